"""Selector: stable sort by score descending, then truncate (SPEC §2.1).

Missing, NaN and ±inf scores sort after every finite score, keeping their input order.
"""

from __future__ import annotations

import math
from abc import abstractmethod
from typing import Generic

from foryou.pipeline.component import C, Component, Q

_INF = math.inf


class Selector(Component[Q], Generic[Q, C]):
    @abstractmethod
    def score(self, candidate: C) -> float | None: ...

    def size(self, query: Q) -> int | None:
        """How many to keep; None keeps all."""
        return None

    def order(self, candidates: list[C]) -> list[int]:
        """Indices in selection order: stable, descending by score; missing, NaN and ±inf last."""
        # NaN fails both comparisons, so every non-finite or missing score gets key +inf.
        keys = [-s if s is not None and -_INF < s < _INF else _INF for s in map(self.score, candidates)]
        return sorted(range(len(candidates)), key=keys.__getitem__)

    def sort(self, candidates: list[C]) -> list[C]:
        return [candidates[i] for i in self.order(candidates)]

    def select(self, query: Q, candidates: list[C]) -> list[C]:
        ordered = self.sort(candidates)
        limit = self.size(query)
        return ordered if limit is None else ordered[:limit]
