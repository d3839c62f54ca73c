"""Selector: stable sort by score descending, then truncate (SPEC §2.1).

Missing, NaN and ±inf scores sort after every finite score, keeping their input order.
"""

from __future__ import annotations

from abc import abstractmethod
from operator import attrgetter
from typing import Generic

import numpy as np

from foryou.pipeline.component import C, Component, Q


class Selector(Component[Q], Generic[Q, C]):
    @abstractmethod
    def score(self, candidate: C) -> float | None: ...

    def size(self, query: Q) -> int | None:
        """How many to keep; None keeps all."""
        return None

    # Set to the attribute `score(c)` returns (e.g. "score") to read it without a Python call per candidate.
    score_attribute: str | None = None

    def order(self, candidates: list[C]) -> list[int]:
        """Indices in selection order: stable, descending by score; missing, NaN and ±inf last."""
        read = attrgetter(self.score_attribute) if self.score_attribute else self.score
        scores = np.array(list(map(read, candidates)), dtype=np.float64)  # None becomes NaN
        # Every missing, NaN or infinite score gets the same last key; the stable sort keeps input order.
        keys = np.where(np.isfinite(scores), -scores, np.inf)
        order: list[int] = np.argsort(keys, kind="stable").tolist()
        return order

    def sort(self, candidates: list[C]) -> list[C]:
        return [candidates[i] for i in self.order(candidates)]

    def select(self, query: Q, candidates: list[C]) -> list[C]:
        ordered = self.sort(candidates)
        limit = self.size(query)
        return ordered if limit is None else ordered[:limit]
