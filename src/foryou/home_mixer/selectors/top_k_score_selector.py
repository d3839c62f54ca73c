"""TopKScoreSelector: keeps the `mixer.top_k` best candidates by final `score` (SPEC §3.10).

Stable descending sort; missing, NaN and ±inf scores go last (the framework's Selector rule).
"""

from __future__ import annotations

from foryou.home_mixer.candidate import PostCandidate
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.params import Params
from foryou.pipeline import Selector


class TopKScoreSelector(Selector[ScoredPostsQuery, PostCandidate]):
    score_attribute = "score"

    def __init__(self, *, top_k: int) -> None:
        self.top_k = top_k

    @classmethod
    def from_params(cls, params: Params) -> TopKScoreSelector:
        return cls(top_k=params.get_int("mixer.top_k"))

    def score(self, candidate: PostCandidate) -> float | None:
        return candidate.score

    def size(self, query: ScoredPostsQuery) -> int | None:
        return self.top_k
