"""`foryou bench pipeline`: the executor's own overhead for 10 trivial components over 2 000 candidates.

Components do no work of their own (return their input, keep everything, copy a score), so the
measured time is the framework: task scheduling, timeouts, contract checks, merging, trace, metrics.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry

from foryou.observability import PipelineMetrics
from foryou.pipeline.candidate_pipeline import CandidatePipeline
from foryou.pipeline.context import RequestContext
from foryou.pipeline.filter import Filter, FilterResult
from foryou.pipeline.hydrator import Hydrator
from foryou.pipeline.query_hydrator import QueryHydrator
from foryou.pipeline.scorer import Scorer
from foryou.pipeline.selector import Selector
from foryou.pipeline.side_effect import SideEffect
from foryou.pipeline.source import Source
from foryou.pipeline.timeouts import Timeouts
from foryou.pipeline.trace import TraceBuffer


@dataclass(frozen=True)
class _Query:
    user_id: int
    seen: int = 0


@dataclass
class _Cand:
    id: int
    score: float = 0.0


class _QH(QueryHydrator[_Query]):
    owned_fields = ("seen",)

    async def hydrate(self, query: _Query) -> _Query:
        return query


class _Src(Source[_Query, _Cand]):
    def __init__(self, n: int) -> None:
        self.pool = [_Cand(i, score=float(i % 97)) for i in range(n)]

    async def get_candidates(self, query: _Query) -> list[_Cand]:
        return list(self.pool)  # building candidates is a source's own work, not the framework's


class _Hyd(Hydrator[_Query, _Cand]):
    async def hydrate(self, query: _Query, candidates: list[_Cand]) -> list[_Cand]:
        return candidates


class _Keep(Filter[_Query, _Cand]):
    def filter(self, query: _Query, candidates: list[_Cand]) -> FilterResult[_Cand]:
        return FilterResult(candidates, [])


class _Score(Scorer[_Query, _Cand]):
    owned_fields = ("score",)

    async def score(self, query: _Query, candidates: list[_Cand], context: RequestContext) -> list[_Cand]:
        return candidates


class _Top(Selector[_Query, _Cand]):
    score_attribute = "score"

    def score(self, candidate: _Cand) -> float | None:
        return candidate.score

    def size(self, query: _Query) -> int | None:
        return 50


class _Noop(SideEffect[_Query, _Cand]):
    async def run(self, query: _Query, selected: list[_Cand]) -> None:
        return None


def build(candidates: int) -> CandidatePipeline[_Query, _Cand]:
    """10 components: 1 query hydrator, 1 source, 2 hydrators, 3 filters, 2 scorers, 1 side effect."""
    return CandidatePipeline(
        name="bench",
        candidate_key=lambda c: c.id,
        query_hydrators=[_QH()],
        sources=[_Src(candidates)],
        hydrators=[_Hyd(), _Hyd()],
        filters=[_Keep(), _Keep(), _Keep()],
        scorers=[_Score(), _Score()],
        selector=_Top(),
        side_effects=[_Noop()],
        result_size=35,
        timeouts=Timeouts.uniform(1000),
        metrics=PipelineMetrics(CollectorRegistry()),
        traces=TraceBuffer(capacity=1000, ttl_s=600),
    )


async def _measure(candidates: int, requests: int, warmup: int) -> list[float]:
    pipe = build(candidates)
    times: list[float] = []
    try:
        for i in range(warmup + requests):
            start = time.perf_counter_ns()
            await pipe.run(_Query(user_id=i), request_id=f"bench-{i}")
            if i >= warmup:
                times.append((time.perf_counter_ns() - start) / 1e6)
            await pipe.drain_side_effects()
    finally:
        pipe.close()
    return times


def run_bench(*, candidates: int = 2000, requests: int = 300, warmup: int = 30) -> dict[str, Any]:
    times = sorted(asyncio.run(_measure(candidates, requests, warmup)))
    return {
        "candidates": candidates,
        "components": 10,
        "requests": requests,
        "overhead_p50_ms": round(statistics.median(times), 3),
        "overhead_p99_ms": round(times[min(len(times) - 1, int(0.99 * len(times)))], 3),
    }
