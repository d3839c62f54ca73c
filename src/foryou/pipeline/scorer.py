"""Scorer: sets the score fields it owns; same length and order as its input.

Scorers see the request context: `enable` is evaluated just before the scorer runs, so an earlier
scorer can switch later ones off (e.g. the ranker marking the request degraded).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Generic

from foryou.pipeline.component import C, Component, Q
from foryou.pipeline.context import RequestContext


class Scorer(Component[Q], Generic[Q, C]):
    owned_fields: tuple[str, ...] = ()

    def enable_in(self, query: Q, context: RequestContext) -> bool:
        """Evaluated immediately before running; defaults to `enable(query)`."""
        return self.enable(query)

    @abstractmethod
    async def score(self, query: Q, candidates: list[C], context: RequestContext) -> Sequence[C]:
        """New objects with the owned fields set, the candidates themselves, or `Columns`."""
