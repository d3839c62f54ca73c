"""InNetworkCandidateHydrator: in_network = author is the viewer or someone the viewer follows."""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Hydrator


class InNetworkCandidateHydrator(Hydrator[ScoredPostsQuery, PostCandidate]):
    owned_fields = ("in_network",)

    async def hydrate(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> list[PostCandidate]:
        followed = query.followed
        viewer = query.user_id
        return [
            PostCandidate(c.tweet_id, in_network=c.author_id == viewer or c.author_id in followed) for c in candidates
        ]
