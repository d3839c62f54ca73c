"""SubscriptionCandidateHydrator: the original's author when that post is for subscribers only."""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.candidate_hydrators.original_post_lookup import PostLookup
from foryou.home_mixer.clients.protocols import PostEntityReader
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Columns, Hydrator


class SubscriptionCandidateHydrator(Hydrator[ScoredPostsQuery, PostCandidate]):
    owned_fields = ("subscription_author_id",)

    def __init__(self, posts: PostEntityReader, lookup: PostLookup | None = None) -> None:
        self.lookup = lookup or PostLookup(posts)

    async def hydrate(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> Columns[PostCandidate]:
        originals = (await self.lookup.of(candidates)).originals
        return Columns(
            candidates,
            {
                "subscription_author_id": [
                    d.author_id if d is not None and d.subscriber_only else None for d in originals
                ]
            },
        )
