"""SubscriptionCandidateHydrator: the original's author when that post is for subscribers only."""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.candidate_hydrators.original_post_lookup import original_of, originals
from foryou.home_mixer.clients.protocols import PostEntityReader
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Hydrator


class SubscriptionCandidateHydrator(Hydrator[ScoredPostsQuery, PostCandidate]):
    owned_fields = ("subscription_author_id",)

    def __init__(self, posts: PostEntityReader) -> None:
        self.posts = posts

    async def hydrate(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> list[PostCandidate]:
        found = await originals(self.posts, candidates)
        out = []
        for cand in candidates:
            data = original_of(cand, found)
            author = data.author_id if data is not None and data.subscriber_only else None
            out.append(PostCandidate(cand.tweet_id, subscription_author_id=author))
        return out
