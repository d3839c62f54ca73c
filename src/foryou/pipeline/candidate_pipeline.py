"""The candidate-pipeline executor: ordering, concurrency, timeouts and failure isolation (SPEC §2.2–2.5).

Components raise; this file catches, logs (request_id, stage, component), counts, restores and marks
the result degraded. A component fails if it raises, overruns min(its timeout, remaining deadline) or
breaks its stage contract; a late result of a failed component is discarded.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter, is_
from typing import Any, Generic, TypeVar

from foryou.core.errors import RequestAbortedError
from foryou.observability import PipelineMetrics, log_event
from foryou.pipeline.component import Component
from foryou.pipeline.context import RequestContext
from foryou.pipeline.filter import Filter, FilterResult
from foryou.pipeline.hydrator import Columns, Hydrator
from foryou.pipeline.query_hydrator import QueryHydrator
from foryou.pipeline.result import PipelineResult, Removed
from foryou.pipeline.scorer import Scorer
from foryou.pipeline.selector import Selector
from foryou.pipeline.side_effect import SideEffect
from foryou.pipeline.source import Source
from foryou.pipeline.timeouts import Timeouts
from foryou.pipeline.trace import ComponentRun, Removal, RequestTrace, TraceBuffer

Q = TypeVar("Q")
C = TypeVar("C")
T = TypeVar("T")

_log = logging.getLogger("foryou.pipeline")
_FAILED = object()  # sentinel result of a failed component


class ContractError(Exception):
    """A component returned something its stage contract forbids (wrong length, not a partition)."""

    def __init__(self, outcome: str, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome


@dataclass
class CandidatePipeline(Generic[Q, C]):
    """A pipeline declaration plus its executor. Build once, call `run` per request."""

    name: str
    candidate_key: Callable[[C], Hashable]
    query_hydrators: Sequence[QueryHydrator[Q]] = ()
    sources: Sequence[Source[Q, C]] = ()
    hydrators: Sequence[Hydrator[Q, C]] = ()
    filters: Sequence[Filter[Q, C]] = ()
    scorers: Sequence[Scorer[Q, C]] = ()
    selector: Selector[Q, C] | None = None
    post_selection_hydrators: Sequence[Hydrator[Q, C]] = ()
    post_selection_filters: Sequence[Filter[Q, C]] = ()
    side_effects: Sequence[SideEffect[Q, C]] = ()
    result_size: int | None = None
    timeouts: Timeouts = field(default_factory=lambda: Timeouts.uniform(1000))
    metrics: PipelineMetrics | None = None
    traces: TraceBuffer | None = None
    query_summary: Callable[[Q], dict[str, Any]] | None = None
    trace_fields: tuple[str, ...] = ()  # hydrated candidate fields to record in the trace
    _pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(4, "pipeline-sync"))
    _pending: set[asyncio.Task[None]] = field(default_factory=set)
    _children: dict[tuple[str, str, str], Any] = field(default_factory=dict)

    async def run(
        self, query: Q, *, request_id: str, deadline_ms: int = 5000, dry_run: bool = False
    ) -> PipelineResult[Q, C]:
        start = time.perf_counter_ns()
        ctx = RequestContext(request_id, start + deadline_ms * 1_000_000, dry_run=dry_run)
        trace = RequestTrace(request_id, self.name, self.query_summary(query) if self.query_summary else {})
        log_event(_log, "start", request_id=request_id, pipeline=self.name)

        lap = _Lap(trace)
        query = await self._hydrate_query(ctx, trace, query)
        lap("query_hydrator")
        cands = await self._fetch(ctx, trace, query)
        lap("source")
        self._start_prefetches(ctx, query, cands)
        try:
            return await self._after_sources(ctx, trace, query, cands, lap, start, dry_run)
        finally:
            _settle(ctx.prefetched)

    async def _after_sources(
        self,
        ctx: RequestContext,
        trace: RequestTrace,
        query: Q,
        cands: list[C],
        lap: _Lap,
        start: int,
        dry_run: bool,
    ) -> PipelineResult[Q, C]:
        cands = await self._hydrate(ctx, trace, query, cands, self.hydrators, "hydrator", "hydrator")
        retrieved = list(cands)
        if self.trace_fields and retrieved:
            keys = list(map(self.candidate_key, retrieved))
            trace.record_fields(self.trace_fields, keys, list(map(attrgetter(*self.trace_fields), retrieved)))
        lap("hydrator")
        removed: list[Removed[C]] = []
        cands = await self._filter(ctx, trace, query, cands, self.filters, "filter", "filter", removed)
        lap("filter")
        keys = list(map(self.candidate_key, cands))
        cands = await self._score(ctx, trace, query, cands, keys)
        lap("scorer")
        cands = self._select(query, trace, cands, keys)
        lap("selector")
        cands = await self._hydrate(
            ctx, trace, query, cands, self.post_selection_hydrators, "post_selection_hydrator", "post_selection"
        )
        cands = await self._filter(
            ctx, trace, query, cands, self.post_selection_filters, "post_selection_filter", "post_selection", removed
        )
        lap("post_selection")
        selected = self._truncate(trace, cands)
        trace.degraded_reasons = list(ctx.degraded_reasons)
        if self.traces is not None:
            self.traces.put(trace)
        if not dry_run and self.side_effects:
            self._start_side_effects(ctx, trace, query, selected)
        self._observe_request(ctx, start, len(selected))
        return PipelineResult(query, retrieved, removed, selected, trace, list(ctx.degraded_reasons))

    async def drain_side_effects(self) -> None:
        """Test hook: wait for every detached side-effect task started so far."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- stages ----------------------------------------------------------------------------------

    async def _hydrate_query(self, ctx: RequestContext, trace: RequestTrace, query: Q) -> Q:
        enabled = self._enabled(trace, "query_hydrator", self.query_hydrators, query)
        results = await _concurrently(
            *[self._call(ctx, trace, "query_hydrator", "query_hydrator", h, h.hydrate(query)) for h in enabled]
        )
        for hydrator, result in zip(enabled, results, strict=True):
            if result is not _FAILED:
                query = hydrator.update(query, result)
                reason = hydrator.degraded_reason(result)
                if reason:
                    ctx.mark_degraded(reason)
        return query

    async def _fetch(self, ctx: RequestContext, trace: RequestTrace, query: Q) -> list[C]:
        enabled = self._enabled(trace, "source", self.sources, query)
        results = await _concurrently(
            *[self._call(ctx, trace, "source", "source", s, s.get_candidates(query)) for s in enabled]
        )
        out: list[C] = []
        for source, result in zip(enabled, results, strict=True):
            if result is _FAILED:
                continue
            trace.record_source(source.name, list(map(self.candidate_key, result)))
            out.extend(result)
            self._count(source.name, "source", "out", len(result))
            log_event(
                _log, "fetched", request_id=ctx.request_id, stage="source", component=source.name, count=len(result)
            )
        return out

    def _start_prefetches(self, ctx: RequestContext, query: Q, cands: list[C]) -> None:
        if not cands:
            return
        for scorer in self.scorers:
            if not scorer.prefetches:
                continue
            try:
                if not scorer.enable_in(query, ctx):
                    continue
            except Exception:
                continue  # the scoring step records a broken enable
            ctx.prefetched[scorer.name] = asyncio.ensure_future(scorer.prefetch(query, list(cands)))

    async def _hydrate(
        self,
        ctx: RequestContext,
        trace: RequestTrace,
        query: Q,
        cands: list[C],
        hydrators: Sequence[Hydrator[Q, C]],
        stage: str,
        timeout_stage: str,
    ) -> list[C]:
        enabled = self._enabled(trace, stage, hydrators, query)
        if not enabled or not cands:
            return cands
        frozen = list(cands)
        results = await _concurrently(
            *[
                self._call(
                    ctx,
                    trace,
                    stage,
                    timeout_stage,
                    h,
                    self._checked_length(h.hydrate(query, frozen), len(frozen), h.owned_fields),
                )
                for h in enabled
            ]
        )
        for hydrator, result in zip(enabled, results, strict=True):
            if result is not _FAILED:
                _merge(cands, result, hydrator.owned_fields)
                reason = hydrator.degraded_reason(result)
                if reason:
                    ctx.mark_degraded(reason)
        return cands

    async def _filter(
        self,
        ctx: RequestContext,
        trace: RequestTrace,
        query: Q,
        cands: list[C],
        filters: Sequence[Filter[Q, C]],
        stage: str,
        timeout_stage: str,
        removed: list[Removed[C]],
    ) -> list[C]:
        enabled = self._enabled(trace, stage, filters, query)
        if not enabled:
            return cands
        budgets = [self.timeouts.for_component(timeout_stage, f.name, f.timeout_ms) for f in enabled]
        runs = await self._run_filters(ctx, query, cands, enabled, budgets)
        total_removed = 0
        live: Counter[Any] | None = None  # keys of the candidates still in, counted at the first removal
        for flt, (outcome, latency_ms, error, result) in zip(enabled, runs, strict=True):
            self._outcome(ctx, trace, stage, flt.name, outcome, latency_ms, error)
            if result is None:
                continue  # the list stays what the filter received
            if result.removed:
                if live is None:
                    live = Counter(map(self.candidate_key, cands))
                self._record_removals(trace, stage, flt.name, result, removed, live)
            cands = result.kept
            total_removed += len(result.removed)
        log_event(_log, "filtered", request_id=ctx.request_id, stage=stage, kept=len(cands), removed=total_removed)
        return cands

    async def _run_filters(
        self, ctx: RequestContext, query: Q, cands: list[C], filters: list[Filter[Q, C]], budgets: list[float]
    ) -> list[_FilterRun[C]]:
        """One thread hop per stage, not per filter (the hop costs more than a trivial filter). A filter
        stuck past its budget is abandoned on its thread; the rest go on from what it received."""
        loop = asyncio.get_running_loop()
        runs: list[_FilterRun[C]] = []
        while len(runs) < len(filters):
            if ctx.remaining_s() <= 0:
                runs.append(("timeout", 0.0, TimeoutError("request deadline passed"), None))
                continue
            start = len(runs)
            chain = _FilterChain(query, cands, filters[start:], budgets[start:])
            await _watch(chain, loop.run_in_executor(self._pool, chain.run), ctx)
            done = list(chain.runs)
            runs.extend(done)
            cands = chain.current
            if len(runs) < len(filters):
                stuck = TimeoutError(f"still running after {budgets[len(runs)] * 1000:.0f} ms")
                runs.append(("timeout", budgets[len(runs)] * 1000, stuck, None))
        return runs

    async def _score(
        self, ctx: RequestContext, trace: RequestTrace, query: Q, cands: list[C], keys: list[Any]
    ) -> list[C]:
        for scorer in self.scorers:
            try:
                enabled = scorer.enable_in(query, ctx)
            except Exception as exc:  # a broken enable is that component's failure, not the request's
                self._outcome(ctx, trace, "scorer", scorer.name, "error", 0.0, exc)
                continue
            if not enabled:
                self._outcome(ctx, trace, "scorer", scorer.name, "disabled", 0.0, None)
                continue
            frozen = list(cands)
            result = await self._call(
                ctx,
                trace,
                "scorer",
                "scorer",
                scorer,
                self._checked_length(scorer.score(query, frozen, ctx), len(frozen), scorer.owned_fields),
            )
            if result is _FAILED:
                continue
            owned = scorer.owned_fields
            _merge(cands, result, owned)
            if owned:
                trace.record_scores(scorer.name, owned, keys, list(map(attrgetter(*owned), cands)))
        return cands

    def _select(self, query: Q, trace: RequestTrace, cands: list[C], keys: list[Any]) -> list[C]:
        if self.selector is None or not self.selector.enable(query):
            return cands
        order = self.selector.order(cands)
        limit = self.selector.size(query)
        trace.record_selection([keys[i] for i in order], limit)
        return [cands[i] for i in (order if limit is None else order[:limit])]

    def _truncate(self, trace: RequestTrace, cands: list[C]) -> list[C]:
        cut = len(cands) if self.result_size is None else self.result_size
        trace.record_final(list(map(self.candidate_key, cands)), cut)
        return cands[:cut]

    def _start_side_effects(self, ctx: RequestContext, trace: RequestTrace, query: Q, selected: list[C]) -> None:
        enabled = self._enabled(trace, "side_effect", self.side_effects, query)

        async def run_all() -> None:
            await _concurrently(
                *[
                    self._call(
                        ctx,
                        trace,
                        "side_effect",
                        "side_effect",
                        e,
                        e.run(query, list(selected)),
                        use_deadline=False,
                        degrade=False,
                    )
                    for e in enabled
                ]
            )

        task = asyncio.get_running_loop().create_task(run_all())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    # -- one component call ----------------------------------------------------------------------

    async def _call(
        self,
        ctx: RequestContext,
        trace: RequestTrace,
        stage: str,
        timeout_stage: str,
        component: Component[Q],
        work: Awaitable[T],
        *,
        use_deadline: bool = True,
        degrade: bool = True,
    ) -> T | Any:
        timeout = self.timeouts.for_component(timeout_stage, component.name, component.timeout_ms)
        if use_deadline:
            timeout = min(timeout, ctx.remaining_s())
        start = time.perf_counter_ns()
        outcome: str = "ok"
        error: BaseException | None = None
        value: Any = _FAILED
        try:
            async with asyncio.timeout(timeout):
                value = await work
        except RequestAbortedError:
            raise  # the one component error that fails the request (SPEC §3.1)
        except TimeoutError as exc:
            outcome, error = "timeout", exc
        except ContractError as exc:
            outcome, error = exc.outcome, exc
        except Exception as exc:
            outcome, error = "error", exc
        latency = (time.perf_counter_ns() - start) / 1e6
        self._outcome(ctx, trace, stage, component.name, outcome, latency, error, degrade=degrade)
        return value if outcome == "ok" else _FAILED

    @staticmethod
    async def _checked_length(awaitable: Awaitable[Sequence[C]], expected: int, owned: tuple[str, ...]) -> Sequence[C]:
        result = await awaitable
        if len(result) != expected:
            raise ContractError("length_mismatch", f"length_mismatch expected={expected} got={len(result)}")
        if isinstance(result, Columns) and not result.columns.keys() >= set(owned):
            raise ContractError("error", f"columns lack owned fields {sorted(set(owned) - result.columns.keys())}")
        return result

    def _enabled(self, trace: RequestTrace, stage: str, components: Sequence[Any], query: Q) -> list[Any]:
        out = []
        for component in components:
            try:
                on = component.enable(query)
            except Exception as exc:
                trace.components.append(ComponentRun(stage, component.name, False, "error", 0.0, repr(exc)))
                continue
            if on:
                out.append(component)
            else:
                trace.components.append(ComponentRun(stage, component.name, False, "disabled"))
                self._metric_outcome(stage, component.name, "disabled")
        return out

    def _outcome(
        self,
        ctx: RequestContext,
        trace: RequestTrace,
        stage: str,
        name: str,
        outcome: str,
        latency_ms: float,
        error: BaseException | None,
        *,
        degrade: bool = True,
    ) -> None:
        enabled = outcome != "disabled"
        trace.components.append(
            ComponentRun(stage, name, enabled, outcome, round(latency_ms, 3), None if error is None else str(error))
        )
        self._metric_outcome(stage, name, outcome, latency_ms)
        if outcome in ("ok", "disabled"):
            return
        event = {"timeout": "timeout", "length_mismatch": "skipped_length_mismatch"}.get(outcome, "failed")
        log_event(
            _log,
            event,
            level=logging.WARNING,
            request_id=ctx.request_id,
            stage=stage,
            component=name,
            error=str(error),
            elapsed_ms=round(latency_ms, 3),
        )
        if degrade:
            ctx.mark_degraded(f"{stage}_{outcome}:{name}")

    def _record_removals(
        self,
        trace: RequestTrace,
        stage: str,
        name: str,
        result: FilterResult[C],
        removed: list[Removed[C]],
        live: Counter[Any],
    ) -> None:
        """`live` counts the keys of the candidates the filter received and leaves those of the kept ones."""
        keys = list(map(self.candidate_key, (cand for cand, _ in result.removed)))
        live.subtract(keys)
        for (cand, reason), key in zip(result.removed, keys, strict=True):
            removed.append(Removed(cand, stage, name, reason))
            if live[key] <= 0:  # a dropped duplicate does not mark its kept twin as removed
                trace.record_removal(key, Removal(stage, name, reason))
        if self.metrics is not None:
            self.metrics.filter_removed.labels(self.name, stage, name).inc(len(result.removed))

    # -- metrics -----------------------------------------------------------------------------------

    def _metric_outcome(self, stage: str, name: str, outcome: str, latency_ms: float | None = None) -> None:
        if self.metrics is None:
            return
        children = self._children.get((stage, name, outcome))
        if children is None:  # label lookups are slow; resolve each series once
            children = self._children[(stage, name, outcome)] = (
                self.metrics.component_outcomes.labels(self.name, stage, name, outcome),
                self.metrics.component_latency.labels(self.name, stage, name),
            )
        children[0].inc()
        if latency_ms is not None:
            children[1].observe(latency_ms / 1000.0)

    def _count(self, name: str, stage: str, point: str, n: int) -> None:
        if self.metrics is not None:
            self.metrics.stage_candidates.labels(self.name, stage, name, point).observe(n)

    def _observe_request(self, ctx: RequestContext, start: int, size: int) -> None:
        elapsed = (time.perf_counter_ns() - start) / 1e9
        log_event(_log, "done", request_id=ctx.request_id, count=size, elapsed_ms=round(elapsed * 1000, 3))
        if self.metrics is None:
            return
        self.metrics.request_latency.labels(self.name).observe(elapsed)
        self.metrics.requests.labels(self.name, "degraded" if ctx.degraded else "ok").inc()
        self.metrics.result_size.labels(self.name).observe(size)
        for reason in ctx.degraded_reasons:
            self.metrics.degraded.labels(self.name, reason.split(":")[0]).inc()


async def _concurrently(*works: Awaitable[T]) -> list[T]:
    """gather, minus the task overhead when there is only one thing to wait for."""
    if len(works) == 1:
        return [await works[0]]
    return list(await asyncio.gather(*works))


_FilterRun = tuple[str, float, BaseException | None, FilterResult[C] | None]  # outcome, ms, error, result


class _FilterChain(Generic[Q, C]):
    """Runs a stage's filters in order on a worker thread; a failed filter passes on what it received."""

    def __init__(self, query: Q, cands: list[C], filters: Sequence[Filter[Q, C]], budgets: list[float]) -> None:
        self.query, self.cands, self.filters, self.budgets = query, cands, filters, budgets
        self.runs: list[_FilterRun[C]] = []
        self.abandoned = False
        self.current = cands  # what the next filter receives
        self.current_started_ns = time.perf_counter_ns()

    def run(self) -> None:
        for flt, budget in zip(self.filters, self.budgets, strict=True):
            if self.abandoned:
                return
            current = self.current
            start = self.current_started_ns = time.perf_counter_ns()
            try:
                result = flt.filter(self.query, current)
                _check_partition(current, result)
            except ContractError as exc:
                self.runs.append((exc.outcome, _ms_since(start), exc, None))
                continue
            except Exception as exc:
                self.runs.append(("error", _ms_since(start), exc, None))
                continue
            latency = _ms_since(start)
            if latency > budget * 1000:
                self.runs.append(("timeout", latency, TimeoutError(f"took {latency:.1f} ms"), None))
                continue
            self.current = result.kept
            self.runs.append(("ok", latency, None, result))


async def _watch(chain: _FilterChain[Any, Any], future: asyncio.Future[None], ctx: RequestContext) -> None:
    """Wait for the chain; abandon it when the running filter overruns its budget or the deadline passes."""
    while not future.done():
        index = len(chain.runs)
        if index >= len(chain.budgets):
            await future
            return
        overrun_at = chain.current_started_ns + int(chain.budgets[index] * 1e9)
        wait_s = min((overrun_at - time.perf_counter_ns()) / 1e9, ctx.remaining_s())
        if wait_s > 0:
            await asyncio.wait({future}, timeout=wait_s)
            continue
        if len(chain.runs) == index:  # no progress: the running filter is over budget
            chain.abandoned = True
            return


def _settle(tasks: dict[str, asyncio.Task[Any]]) -> None:
    """Cancel the prefetches no scorer used; mark failed ones retrieved (the scorer saw or skipped them)."""
    for task in tasks.values():
        if not task.done():
            task.cancel()
        elif not task.cancelled():
            task.exception()


def _ms_since(start_ns: int) -> float:
    return (time.perf_counter_ns() - start_ns) / 1e6


class _Lap:
    """Wall time of each stage (merges and bookkeeping included) into `trace.stage_ms`."""

    def __init__(self, trace: RequestTrace) -> None:
        self.trace, self.last = trace, time.perf_counter_ns()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter_ns()
        self.trace.stage_ms[stage] = round((now - self.last) / 1e6, 3)
        self.last = now


def _merge(targets: list[Any], sources: Sequence[Any], fields: tuple[str, ...]) -> None:
    """The stage `update`: copy exactly the owned fields of each result onto the candidate."""
    if isinstance(sources, Columns):
        for name in fields:  # setattr mapped in C: no Python loop per candidate
            deque(map(setattr, targets, repeat(name), sources.columns[name]), maxlen=0)
        return
    if not fields or all(map(is_, targets, sources)):
        return  # the component set its fields on the candidates themselves
    for name in fields:
        for target, source in zip(targets, sources, strict=True):
            if target is not source:
                setattr(target, name, getattr(source, name))


def _check_partition(received: list[Any], result: FilterResult[Any]) -> None:
    """kept + removed must be exactly the received candidates: nothing lost, added or duplicated."""
    if (result.kept is received and not result.removed) or result.made_by_partition_of(received):
        return  # kept everything untouched, or split by `partition`, which cannot lose or add any
    got = len(result.kept) + len(result.removed)
    if got != len(received):
        raise ContractError("error", f"filter returned {got} candidates for {len(received)}")
    returned = set(map(id, result.kept))
    returned.update(id(c) for c, _ in result.removed)
    if returned != set(map(id, received)):
        raise ContractError("error", "filter lost, duplicated or invented candidates")
