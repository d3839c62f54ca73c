"""InNetworkCandidateHydrator: in_network = author is the viewer or someone the viewer follows."""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Columns, Hydrator


class InNetworkCandidateHydrator(Hydrator[ScoredPostsQuery, PostCandidate]):
    owned_fields = ("in_network",)

    async def hydrate(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> Columns[PostCandidate]:
        followed = query.followed
        viewer = query.user_id
        authors = [c.author_id for c in candidates]
        return Columns(candidates, {"in_network": [a == viewer or a in followed for a in authors]})
