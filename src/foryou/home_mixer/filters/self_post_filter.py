"""SelfPostFilter (pre-scoring #4): the viewer's own posts are not recommended back (`self`)."""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import Filter, FilterResult, partition

SELF = "self"


class SelfPostFilter(Filter[ScoredPostsQuery, PostCandidate]):
    def filter(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> FilterResult[PostCandidate]:
        viewer = query.user_id
        return partition(candidates, lambda c: SELF if c.author_id == viewer else None)
