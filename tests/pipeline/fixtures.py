"""Small real components over a toy query and candidate, shared by the pipeline tests."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from foryou.pipeline import (
    CandidatePipeline,
    Filter,
    FilterResult,
    Hydrator,
    QueryHydrator,
    RequestContext,
    Scorer,
    Selector,
    SideEffect,
    Source,
    Timeouts,
)


@dataclass(frozen=True)
class Q:
    user: int = 1
    a: int = 0
    b: int = 0
    flag: bool = True


@dataclass
class C:
    id: int
    x: int = 0
    y: int = 0
    score: float | None = None


class SetA(QueryHydrator[Q]):
    owned_fields = ("a",)

    def __init__(self, value: int, barrier: asyncio.Barrier | None = None) -> None:
        self.value, self.barrier = value, barrier

    async def hydrate(self, query: Q) -> Q:
        if self.barrier is not None:
            await self.barrier.wait()
        return Q(a=self.value, b=999)  # b is not owned: must not leak


class SetB(SetA):
    owned_fields = ("b",)

    async def hydrate(self, query: Q) -> Q:
        if self.barrier is not None:
            await self.barrier.wait()
        return Q(b=self.value, a=999)


class ListSource(Source[Q, C]):
    def __init__(self, ids: list[int], *, wait: asyncio.Event | None = None, label: str | None = None) -> None:
        self.ids, self.wait, self.label = ids, wait, label

    @property
    def name(self) -> str:
        return self.label or super().name

    async def get_candidates(self, query: Q) -> list[C]:
        if self.wait is not None:
            await self.wait.wait()
        return [C(i) for i in self.ids]


class Raises(Source[Q, C]):
    async def get_candidates(self, query: Q) -> list[C]:
        raise RuntimeError("boom")


class Hangs(Source[Q, C]):
    timeout_ms = 30

    async def get_candidates(self, query: Q) -> list[C]:
        await asyncio.Event().wait()
        return []


class SetX(Hydrator[Q, C]):
    owned_fields = ("x",)

    def __init__(self, fn: Callable[[C], int], *, barrier: asyncio.Barrier | None = None, label: str = "") -> None:
        self.fn, self.barrier, self.label = fn, barrier, label

    @property
    def name(self) -> str:
        return self.label or super().name

    async def hydrate(self, query: Q, candidates: list[C]) -> list[C]:
        if self.barrier is not None:
            await self.barrier.wait()
        return [C(c.id, x=self.fn(c), y=-1) for c in candidates]


class DropOne(Hydrator[Q, C]):
    owned_fields = ("y",)

    async def hydrate(self, query: Q, candidates: list[C]) -> list[C]:
        return [C(c.id, y=7) for c in candidates[1:]]


class KeepIf(Filter[Q, C]):
    def __init__(self, pred: Callable[[C], bool], label: str) -> None:
        self.pred, self.label = pred, label

    @property
    def name(self) -> str:
        return self.label

    def filter(self, query: Q, candidates: list[C]) -> FilterResult[C]:
        kept = [c for c in candidates if self.pred(c)]
        removed = [(c, self.label.lower()) for c in candidates if not self.pred(c)]
        return FilterResult(kept, removed)


class BrokenFilter(Filter[Q, C]):
    """Drops a candidate without reporting it: breaks the partition contract."""

    def filter(self, query: Q, candidates: list[C]) -> FilterResult[C]:
        return FilterResult(candidates[1:], [])


class RaisingFilter(Filter[Q, C]):
    def filter(self, query: Q, candidates: list[C]) -> FilterResult[C]:
        raise ValueError("filter failed")


class ScoreBy(Scorer[Q, C]):
    owned_fields = ("score",)

    def __init__(self, fn: Callable[[C], float | None], label: str = "") -> None:
        self.fn, self.label = fn, label

    @property
    def name(self) -> str:
        return self.label or super().name

    async def score(self, query: Q, candidates: list[C], context: RequestContext) -> list[C]:
        return [dataclasses.replace(c, score=self.fn(c)) for c in candidates]


class MarkDegraded(Scorer[Q, C]):
    async def score(self, query: Q, candidates: list[C], context: RequestContext) -> list[C]:
        context.mark_degraded("ranker_unavailable")
        return candidates


class Prefetching(Scorer[Q, C]):
    """Prefetch: 10 × id of every fetched candidate, once the hydrator's `gate` is open (so it provably
    overlaps hydration). Score: the prefetched value, or -1 for a candidate it never saw."""

    owned_fields = ("score",)

    def __init__(self, gate: asyncio.Event | None = None, *, enabled: bool = True, healthy_only: bool = False) -> None:
        self.gate, self.enabled, self.healthy_only = gate, enabled, healthy_only
        self.prefetched: list[list[int]] = []
        self.cancelled = 0

    def enable(self, query: Q) -> bool:
        return self.enabled

    def enable_in(self, query: Q, context: RequestContext) -> bool:
        return self.enabled and not (self.healthy_only and context.degraded)

    async def prefetch(self, query: Q, candidates: list[C]) -> dict[int, float]:
        self.prefetched.append([c.id for c in candidates])
        try:
            if self.gate is not None:
                await self.gate.wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        return {c.id: 10.0 * c.id for c in candidates}

    async def score(self, query: Q, candidates: list[C], context: RequestContext) -> list[C]:
        task = context.prefetched.get(self.name)
        got = await task if task is not None else {}
        return [dataclasses.replace(c, score=got.get(c.id, -1.0)) for c in candidates]


class OpensGate(Hydrator[Q, C]):
    """Opens `gate` and waits for the prefetch to have used it: deadlocks unless the prefetch runs now."""

    owned_fields = ()

    def __init__(self, gate: asyncio.Event) -> None:
        self.gate = gate

    async def hydrate(self, query: Q, candidates: list[C]) -> list[C]:
        self.gate.set()
        for _ in range(3):
            await asyncio.sleep(0)
        return candidates


class OnlyWhenHealthy(ScoreBy):
    def enable_in(self, query: Q, context: RequestContext) -> bool:
        return not context.degraded


class ByScore(Selector[Q, C]):
    def __init__(self, k: int | None) -> None:
        self.k = k

    def score(self, candidate: C) -> float | None:
        return candidate.score

    def size(self, query: Q) -> int | None:
        return self.k


@dataclass
class Record(SideEffect[Q, C]):
    gate: asyncio.Event | None = None
    seen: list[list[int]] = field(default_factory=list)

    async def run(self, query: Q, selected: list[C]) -> None:
        if self.gate is not None:
            await self.gate.wait()
        self.seen.append([c.id for c in selected])


def pipeline(**kwargs: object) -> CandidatePipeline[Q, C]:
    kwargs.setdefault("timeouts", Timeouts.uniform(2000))
    return CandidatePipeline(name="test", candidate_key=lambda c: c.id, **kwargs)  # type: ignore[arg-type]
