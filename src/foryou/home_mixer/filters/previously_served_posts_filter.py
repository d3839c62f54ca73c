"""PreviouslyServedPostsFilter (pre-scoring #8): posts already sent to this viewer are removed (`served`).

Served = the request's served_ids ∪ the served-history store's ids. v1 ran this only on bottom
(scroll-down) requests; with `served.filter_all_requests` (default) it runs on every request.
"""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.params import Params
from foryou.pipeline import Filter, FilterResult, partition

SERVED = "served"


class PreviouslyServedPostsFilter(Filter[ScoredPostsQuery, PostCandidate]):
    def __init__(self, *, filter_all_requests: bool) -> None:
        self.filter_all_requests = filter_all_requests

    @classmethod
    def from_params(cls, params: Params) -> PreviouslyServedPostsFilter:
        return cls(filter_all_requests=params.get_bool("served.filter_all_requests"))

    def enable(self, query: ScoredPostsQuery) -> bool:
        return self.filter_all_requests or query.is_bottom_request

    def filter(self, query: ScoredPostsQuery, candidates: list[PostCandidate]) -> FilterResult[PostCandidate]:
        served = query.effective_served_ids
        if not served:
            return FilterResult(candidates)
        return partition(candidates, lambda c: None if served.isdisjoint(c.related_ids) else SERVED)
