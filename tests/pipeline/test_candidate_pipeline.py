"""Every execution rule of SPEC §2.2–2.5, each written so that it fails if the rule breaks.

Concurrency is proven with barriers (a sequential executor would deadlock into a timeout), never by
timing; ordering is proven by making the later component finish first.
"""

from __future__ import annotations

import asyncio
import json
import math

from prometheus_client import CollectorRegistry

from foryou.observability import PipelineMetrics
from foryou.pipeline import Columns, Hydrator, Timeouts, TraceBuffer

from .fixtures import (
    BrokenFilter,
    ByScore,
    C,
    DropOne,
    Hangs,
    KeepIf,
    ListSource,
    MarkDegraded,
    OnlyWhenHealthy,
    OpensGate,
    Prefetching,
    Q,
    Raises,
    RaisingFilter,
    Record,
    ScoreBy,
    SetA,
    SetB,
    SetX,
    pipeline,
)


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


def test_query_hydrators_run_concurrently_and_update_only_owned_fields() -> None:
    async def go():  # type: ignore[no-untyped-def]
        barrier = asyncio.Barrier(2)
        p = pipeline(query_hydrators=[SetA(5, barrier), SetB(6, barrier)], timeouts=Timeouts.uniform(1000))
        return await p.run(Q(), request_id="r")

    result = run(go())
    assert (result.query.a, result.query.b) == (5, 6)
    assert not result.degraded


def test_failed_query_hydrator_keeps_defaults_and_marks_degraded() -> None:
    class Boom(SetA):
        async def hydrate(self, query: Q) -> Q:
            raise RuntimeError("store down")

    result = run(pipeline(query_hydrators=[Boom(1), SetB(2)]).run(Q(), request_id="r"))
    assert (result.query.a, result.query.b) == (0, 2)
    assert result.degraded_reasons == ["query_hydrator_error:Boom"]


def test_disabled_query_hydrator_is_evaluated_on_original_query() -> None:
    class NeedsA(SetB):
        def enable(self, query: Q) -> bool:
            return query.a != 0  # SetA runs first in the list but enable sees the original query

    result = run(pipeline(query_hydrators=[SetA(5), NeedsA(6)]).run(Q(), request_id="r"))
    assert (result.query.a, result.query.b) == (5, 0)
    assert [c.outcome for c in result.trace.components if c.name == "NeedsA"] == ["disabled"]


def test_sources_run_concurrently_and_concatenate_in_list_order() -> None:
    async def go():  # type: ignore[no-untyped-def]
        first_may_finish = asyncio.Event()

        class Second(ListSource):
            async def get_candidates(self, query: Q) -> list[C]:
                out = await super().get_candidates(query)
                first_may_finish.set()  # the second source finishes first
                return out

        p = pipeline(sources=[ListSource([1, 2], wait=first_may_finish, label="First"), Second([3], label="S2")])
        return await p.run(Q(), request_id="r")

    result = run(go())
    assert [c.id for c in result.retrieved] == [1, 2, 3]


def test_failing_and_hanging_sources_contribute_nothing() -> None:
    p = pipeline(sources=[Raises(), ListSource([1]), Hangs()], timeouts=Timeouts.uniform(2000))
    result = run(p.run(Q(), request_id="r"))
    assert [c.id for c in result.selected] == [1]
    outcomes = {c.name: c.outcome for c in result.trace.components}
    assert outcomes == {"Raises": "error", "ListSource": "ok", "Hangs": "timeout"}
    assert set(result.degraded_reasons) == {"source_error:Raises", "source_timeout:Hangs"}


def test_request_deadline_caps_component_timeouts() -> None:
    p = pipeline(sources=[Hangs(), ListSource([4])], timeouts=Timeouts.uniform(60_000))
    Hangs.timeout_ms = None  # type: ignore[assignment]
    try:
        result = run(p.run(Q(), request_id="r", deadline_ms=50))
    finally:
        Hangs.timeout_ms = 30
    assert [c.id for c in result.selected] == [4]
    assert "source_timeout:Hangs" in result.degraded_reasons


def test_hydrators_run_concurrently_and_apply_in_list_order() -> None:
    async def go():  # type: ignore[no-untyped-def]
        barrier = asyncio.Barrier(2)
        p = pipeline(
            sources=[ListSource([1, 2])],
            hydrators=[
                SetX(lambda c: 10, barrier=barrier, label="H1"),
                SetX(lambda c: 20, barrier=barrier, label="H2"),
            ],
        )
        return await p.run(Q(), request_id="r")

    result = run(go())
    assert [(c.x, c.y) for c in result.selected] == [(20, 0), (20, 0)]  # y is not owned by SetX


def test_length_mismatch_hydrator_is_skipped_and_drops_nothing() -> None:
    result = run(pipeline(sources=[ListSource([1, 2, 3])], hydrators=[DropOne()]).run(Q(), request_id="r"))
    assert [(c.id, c.y) for c in result.selected] == [(1, 0), (2, 0), (3, 0)]
    runs = [c for c in result.trace.components if c.name == "DropOne"]
    assert runs[0].outcome == "length_mismatch"
    assert runs[0].error == "length_mismatch expected=3 got=2"


def test_filters_are_sequential_and_accumulate_removals_in_order() -> None:
    p = pipeline(
        sources=[ListSource([1, 2, 3, 4, 5, 6])],
        filters=[KeepIf(lambda c: c.id % 2 == 0, "Even"), KeepIf(lambda c: c.id > 2, "Big")],
    )
    result = run(p.run(Q(), request_id="r"))
    assert [c.id for c in result.selected] == [4, 6]
    assert [(r.candidate.id, r.filter, r.reason) for r in result.filtered] == [
        (1, "Even", "even"),
        (3, "Even", "even"),
        (5, "Even", "even"),
        (2, "Big", "big"),
    ]


def test_failed_or_contract_breaking_filter_restores_its_input() -> None:
    p = pipeline(
        sources=[ListSource([1, 2, 3, 4])],
        filters=[
            KeepIf(lambda c: c.id != 1, "No1"),
            RaisingFilter(),
            BrokenFilter(),
            KeepIf(lambda c: c.id != 4, "No4"),
        ],
    )
    result = run(p.run(Q(), request_id="r"))
    assert [c.id for c in result.selected] == [2, 3]
    outcomes = {c.name: c.outcome for c in result.trace.components}
    assert outcomes["RaisingFilter"] == "error" and outcomes["BrokenFilter"] == "error"


def test_scorers_are_sequential_and_enable_is_evaluated_just_before_running() -> None:
    p = pipeline(
        sources=[ListSource([1, 2, 3])],
        scorers=[ScoreBy(lambda c: float(c.id), "First"), MarkDegraded(), OnlyWhenHealthy(lambda c: -1.0, "Late")],
        selector=ByScore(None),
    )
    result = run(p.run(Q(), request_id="r"))
    assert [c.id for c in result.selected] == [3, 2, 1]  # "Late" was disabled by the degraded context
    assert result.degraded_reasons == ["ranker_unavailable"]
    assert {c.name: c.outcome for c in result.trace.components}["Late"] == "disabled"


def test_prefetch_starts_after_sources_with_every_candidate_and_its_answer_reaches_score() -> None:
    gate = asyncio.Event()
    scorer = Prefetching(gate)
    p = pipeline(
        sources=[ListSource([1, 2, 3])],
        hydrators=[OpensGate(gate)],
        filters=[KeepIf(lambda c: c.id != 2, "NoTwo")],
        scorers=[scorer],
        selector=ByScore(None),
    )
    result = run(p.run(Q(), request_id="r"))
    assert scorer.prefetched == [[1, 2, 3]]  # before the filter removed 2
    assert [(c.id, c.score) for c in result.selected] == [(3, 30.0), (1, 10.0)]
    assert not result.degraded_reasons


def test_unused_prefetch_is_cancelled_and_a_disabled_scorer_prefetches_nothing() -> None:
    unused, off = Prefetching(asyncio.Event(), healthy_only=True), Prefetching(enabled=False)
    p = pipeline(
        sources=[ListSource([1, 2])],
        hydrators=[OpensGate(asyncio.Event())],  # yields, so the prefetch starts and waits on its gate
        scorers=[off, MarkDegraded(), unused],  # switched off after its prefetch started: never awaits it
        selector=ByScore(None),
    )
    result = run(p.run(Q(), request_id="r"))
    assert [c.score for c in result.selected] == [None, None]
    assert off.prefetched == [] and unused.prefetched == [[1, 2]] and unused.cancelled == 1


def test_second_scorer_sees_first_scorers_output() -> None:
    p = pipeline(
        sources=[ListSource([1, 2, 3])],
        scorers=[ScoreBy(lambda c: float(c.id), "A"), ScoreBy(lambda c: -(c.score or 0.0), "B")],
        selector=ByScore(None),
    )
    result = run(p.run(Q(), request_id="r"))
    assert [c.id for c in result.selected] == [1, 2, 3]


def test_selector_puts_missing_nan_and_inf_last_stably_and_truncates() -> None:
    scores = {1: None, 2: 0.5, 3: math.nan, 4: 2.0, 5: math.inf, 6: 0.5, 7: -math.inf}
    p = pipeline(sources=[ListSource(list(scores))], scorers=[ScoreBy(lambda c: scores[c.id])], selector=ByScore(5))
    result = run(p.run(Q(), request_id="r"))
    assert [c.id for c in result.selected] == [4, 2, 6, 1, 3]
    trace = result.trace.candidates
    assert trace[5].selection.sorted_rank == 5 and not trace[5].selection.in_top_k


def test_post_selection_stages_and_truncation() -> None:
    p = pipeline(
        sources=[ListSource([1, 2, 3, 4, 5])],
        scorers=[ScoreBy(lambda c: float(c.id))],
        selector=ByScore(4),
        post_selection_hydrators=[SetX(lambda c: c.id * 10)],
        post_selection_filters=[KeepIf(lambda c: c.x != 40, "Vis")],
        filters=[KeepIf(lambda c: True, "Nothing")],
        result_size=2,
    )
    result = run(p.run(Q(), request_id="r"))
    assert [c.id for c in result.selected] == [5, 3]
    assert [(r.candidate.id, r.stage) for r in result.filtered] == [(4, "post_selection_filter")]
    sel = result.trace.candidates
    assert sel[5].selection.final_position == 0 and sel[3].selection.final_position == 1
    assert sel[2].selection.truncated_by_result_size
    assert sel[1].selection.in_top_k is False


def test_side_effects_never_delay_or_fail_the_response() -> None:
    async def go():  # type: ignore[no-untyped-def]
        gate = asyncio.Event()
        recorder = Record(gate=gate)

        class Fails(Record):
            async def run(self, query: Q, selected: list[C]) -> None:
                raise RuntimeError("side effect failed")

        p = pipeline(sources=[ListSource([1, 2])], side_effects=[recorder, Fails()])
        result = await p.run(Q(), request_id="r")  # returns although the recorder is still blocked
        assert recorder.seen == []
        gate.set()
        await p.drain_side_effects()
        return result, recorder

    result, recorder = run(go())
    assert recorder.seen == [[1, 2]]
    assert not result.degraded


def test_dry_run_skips_side_effects() -> None:
    async def go():  # type: ignore[no-untyped-def]
        recorder = Record()
        p = pipeline(sources=[ListSource([1])], side_effects=[recorder])
        await p.run(Q(), request_id="r", dry_run=True)
        await p.drain_side_effects()
        return recorder

    assert run(go()).seen == []


def test_trace_records_sources_removals_scores_and_is_json() -> None:
    buffer = TraceBuffer(capacity=10, ttl_s=60)
    p = pipeline(
        sources=[ListSource([1, 2], label="A"), ListSource([2, 3], label="B")],
        filters=[KeepIf(lambda c: c.id != 3, "No3")],
        scorers=[ScoreBy(lambda c: float(c.id))],
        selector=ByScore(None),
        traces=buffer,
        query_summary=lambda q: {"user": q.user},
    )
    result = run(p.run(Q(), request_id="req-1"))
    trace = buffer.get("req-1")
    assert trace is result.trace
    assert trace.candidates[2].sources == [("A", 1), ("B", 0)]
    assert trace.candidates[3].removed_by is not None and trace.candidates[3].removed_by.filter == "No3"
    assert trace.candidates[1].scores == {"ScoreBy": {"score": 1.0}}
    # per source, what it returned (a candidate found by two sources counts for each), equal to the view
    assert trace.source_counts() == {"A": 2, "B": 2}
    per_view: dict[str, int] = {}
    for entry in trace.candidates.values():
        for name, _ in entry.sources:
            per_view[name] = per_view.get(name, 0) + 1
    assert per_view == trace.source_counts()
    doc = json.loads(trace.to_json())
    assert doc["query"] == {"user": 1}
    assert [c["id"] for c in doc["candidates"]] == ["1", "2", "3"]


def test_trace_is_deterministic_apart_from_latencies_and_ids() -> None:
    def build() -> dict:  # type: ignore[type-arg]
        p = pipeline(sources=[ListSource([3, 1, 2])], scorers=[ScoreBy(lambda c: float(c.id))], selector=ByScore(2))
        doc = run(p.run(Q(), request_id="x")).trace.to_dict()
        for comp in doc["components"]:
            comp["latency_ms"] = 0
        doc["created_at_ms"] = 0
        doc["stage_ms"] = {}
        return doc

    assert build() == build()


def test_trace_buffer_is_bounded_by_size_and_ttl() -> None:
    from foryou.pipeline import RequestTrace

    buffer = TraceBuffer(capacity=2, ttl_s=1)
    for i in range(3):
        buffer.put(RequestTrace(f"r{i}", "p", created_at_ms=1000))
    assert buffer.get("r0", now_ms=1000) is None
    assert buffer.get("r2", now_ms=1500) is not None
    assert buffer.get("r2", now_ms=2500) is None


def test_metrics_count_outcomes_and_requests() -> None:
    registry = CollectorRegistry()
    p = pipeline(sources=[Raises(), ListSource([1])], metrics=PipelineMetrics(registry))
    run(p.run(Q(), request_id="r"))
    labels = {"pipeline": "test", "stage": "source", "component": "Raises", "outcome": "error"}
    assert registry.get_sample_value("foryou_component_outcomes_total", labels) == 1.0
    assert registry.get_sample_value("foryou_requests_total", {"pipeline": "test", "status": "degraded"}) == 1.0
    assert registry.get_sample_value("foryou_degraded_total", {"pipeline": "test", "reason": "source_error"}) == 1.0


def test_hanging_filter_times_out_and_the_request_goes_on() -> None:
    import threading

    from foryou.pipeline import Filter, FilterResult

    release = threading.Event()

    class Stuck(Filter[Q, C]):
        timeout_ms = 50

        def filter(self, query: Q, candidates: list[C]) -> FilterResult[C]:
            release.wait(5)
            return FilterResult([], [(c, "late") for c in candidates])

    p = pipeline(
        sources=[ListSource([1, 2, 3])],
        filters=[KeepIf(lambda c: c.id != 1, "No1"), Stuck(), KeepIf(lambda c: c.id != 3, "No3")],
    )
    try:
        result = run(p.run(Q(), request_id="r"))
    finally:
        release.set()
    assert [c.id for c in result.selected] == [2]  # Stuck abandoned; No3 runs on what Stuck received
    outcomes = [(c.name, c.outcome) for c in result.trace.components]
    assert ("Stuck", "timeout") in outcomes and ("No3", "ok") in outcomes
    assert result.trace.candidates[2].removed_by is None


def test_filter_that_overruns_but_returns_is_discarded() -> None:
    import threading

    from foryou.pipeline import Filter, FilterResult

    class Slow(Filter[Q, C]):
        timeout_ms = 1

        def filter(self, query: Q, candidates: list[C]) -> FilterResult[C]:
            threading.Event().wait(0.02)  # overrun its 1 ms budget, then answer
            return FilterResult([], [(c, "slow") for c in candidates])

    p = pipeline(sources=[ListSource([1, 2])], filters=[Slow(), KeepIf(lambda c: c.id != 2, "No2")])
    result = run(p.run(Q(), request_id="r"))
    assert [c.id for c in result.selected] == [1]
    assert [(r.candidate.id, r.filter) for r in result.filtered] == [(2, "No2")]


def test_request_aborted_error_is_the_one_failure_that_fails_the_request() -> None:
    import pytest

    from foryou.core import RequestAbortedError

    class Unsafe(SetA):
        async def hydrate(self, query: Q) -> Q:
            raise RequestAbortedError("block list unreadable")

    with pytest.raises(RequestAbortedError):
        run(pipeline(query_hydrators=[Unsafe(1)], sources=[ListSource([1])]).run(Q(), request_id="r"))


def test_trace_records_chosen_hydrated_fields() -> None:
    p = pipeline(sources=[ListSource([1, 2])], hydrators=[SetX(lambda c: c.id * 3)], trace_fields=("x", "y"))
    result = run(p.run(Q(), request_id="r"))
    assert result.trace.candidates[2].fields == {"x": 6, "y": 0}


def test_hydrator_may_report_a_partial_outage_as_degraded() -> None:
    class Partial(SetX):
        def degraded_reason(self, hydrated: list[C]) -> str | None:
            return "labels_partly_unavailable"

    result = run(pipeline(sources=[ListSource([1])], hydrators=[Partial(lambda c: 1)]).run(Q(), request_id="r"))
    assert result.degraded_reasons == ["labels_partly_unavailable"]


def test_trace_has_the_wall_time_of_every_stage() -> None:
    p = pipeline(sources=[ListSource([1, 2])], scorers=[ScoreBy(lambda c: 1.0)], selector=ByScore(1))
    trace = run(p.run(Q(), request_id="r")).trace
    assert list(trace.stage_ms) == [
        "query_hydrator",
        "source",
        "hydrator",
        "filter",
        "scorer",
        "selector",
        "post_selection",
    ]
    assert all(ms >= 0 for ms in trace.stage_ms.values())
    assert trace.to_dict()["stage_ms"] == trace.stage_ms


class ColumnX(Hydrator[Q, C]):
    """Answers with `Columns`: x for every candidate, and a y column that it does not own."""

    owned_fields = ("x",)

    def __init__(self, columns: dict[str, list[int]] | None = None) -> None:
        self.columns = columns

    async def hydrate(self, query: Q, candidates: list[C]) -> Columns[C]:
        if self.columns is not None:
            return Columns(candidates, self.columns)
        return Columns(candidates, {"x": [c.id * 10 for c in candidates], "y": [7] * len(candidates)})


def test_columns_result_copies_only_owned_fields_and_reads_like_candidates() -> None:
    result = run(pipeline(sources=[ListSource([1, 2])], hydrators=[ColumnX()]).run(Q(), request_id="r"))
    assert [(c.id, c.x, c.y) for c in result.selected] == [(1, 10, 0), (2, 20, 0)]
    given = [C(1), C(2)]
    out = run(ColumnX().hydrate(Q(), given))
    assert [(c.id, c.x, c.y) for c in out] == [(1, 10, 7), (2, 20, 7)]
    assert [c.x for c in out[1:]] == [20] and (given[0].x, given[0].y) == (0, 0)  # input untouched


def test_columns_without_an_owned_field_or_of_the_wrong_length_fail_the_hydrator() -> None:
    lacking = run(pipeline(sources=[ListSource([1])], hydrators=[ColumnX({"y": [1]})]).run(Q(), request_id="r"))
    assert [c.outcome for c in lacking.trace.components if c.name == "ColumnX"] == ["error"]
    short = run(pipeline(sources=[ListSource([1, 2])], hydrators=[ColumnX({"x": [1]})]).run(Q(), request_id="r"))
    assert [c.outcome for c in short.trace.components if c.name == "ColumnX"] == ["error"]
    for result in (lacking, short):
        assert all(c.x == 0 for c in result.selected) and result.degraded
