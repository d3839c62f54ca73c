"""Scorer: sets the score fields it owns; same length and order as its input.

Scorers see the request context: `enable` is evaluated just before the scorer runs, so an earlier
scorer can switch later ones off (e.g. the ranker marking the request degraded).

A scorer whose inputs are known once the sources have answered may override `prefetch`: the executor
starts it as a task with every fetched candidate, before hydration, and hands the task to `score`
through `context.prefetched[name]`. `score` must return exactly what it would have without it; the
prefetch only moves slow remote work (the ranker) so that it overlaps hydration and filtering. The
scorer's latency in traces and metrics is then what it still had to wait, not the remote call's time.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Any, Generic

from foryou.pipeline.component import C, Component, Q
from foryou.pipeline.context import RequestContext


class Scorer(Component[Q], Generic[Q, C]):
    owned_fields: tuple[str, ...] = ()

    def enable_in(self, query: Q, context: RequestContext) -> bool:
        """Evaluated immediately before running; defaults to `enable(query)`."""
        return self.enable(query)

    async def prefetch(self, query: Q, candidates: list[C]) -> Any:
        """Work `score` can reuse, started right after the sources; the default has none to start."""
        return None

    @property
    def prefetches(self) -> bool:
        return type(self).prefetch is not Scorer.prefetch

    @abstractmethod
    async def score(self, query: Q, candidates: list[C], context: RequestContext) -> Sequence[C]:
        """New objects with the owned fields set, the candidates themselves, or `Columns`."""
