"""UserFeatures (with its stale-copy and fail-closed rules) and ServedHistory query hydrators."""

from __future__ import annotations

import pytest

from foryou.core import FixedClock, RequestAbortedError
from foryou.home_mixer.query import UserFeatures
from foryou.home_mixer.query_hydrators.served_history_query_hydrator import ServedHistoryQueryHydrator
from foryou.home_mixer.query_hydrators.user_features_query_hydrator import UserFeaturesQueryHydrator

from ..helpers import NOW_MS, query, run
from ..memory import Graph, Served

FEATURES = UserFeatures(blocked_user_ids=frozenset({9}), followed_user_ids=(2, 3))


def hydrator(graph: Graph, clock: FixedClock, *, fail: bool = True) -> UserFeaturesQueryHydrator:
    return UserFeaturesQueryHydrator(graph, clock=clock, max_staleness_s=300, fail_on_missing=fail)


def test_reads_features_and_marks_loaded() -> None:
    h = hydrator(Graph({1: FEATURES}), FixedClock(0))
    out = run(h.hydrate(query(1)))
    assert out.user_features == FEATURES and out.user_features_loaded
    assert h.degraded_reason(out) is None


def test_store_down_uses_a_recent_copy_and_says_so() -> None:
    graph, clock = Graph({1: FEATURES}), FixedClock(0)
    h = hydrator(graph, clock)
    run(h.hydrate(query(1)))
    graph.down = True
    clock.advance(299_000)
    out = run(h.hydrate(query(1)))
    assert out.user_features == FEATURES and h.degraded_reason(out) == "user_features_stale"
    clock.advance(2_000)  # now older than 300 s
    with pytest.raises(RequestAbortedError):
        run(h.hydrate(query(1)))


def test_store_down_without_copy_fails_closed_or_open_as_configured() -> None:
    with pytest.raises(RequestAbortedError):
        run(hydrator(Graph(down=True), FixedClock(0)).hydrate(query(1)))
    h = hydrator(Graph(down=True), FixedClock(0), fail=False)
    out = run(h.hydrate(query(1)))
    assert out.user_features == UserFeatures() and not out.user_features_loaded
    assert h.degraded_reason(out) == "user_features_missing"


def test_served_history_reads_recent_ids_with_originals() -> None:
    served = Served()
    run(served.append(viewer_id=1, request_id="a", served_at_ms=NOW_MS - 700_000, items=[(1, 1)]))
    run(served.append(viewer_id=1, request_id="b", served_at_ms=NOW_MS - 1_000, items=[(2, 2), (3, 30)]))
    out = run(ServedHistoryQueryHydrator(served, max_age_s=600, max_ids=100).hydrate(query(1)))
    assert out.served_history_ids == frozenset({2, 3, 30})
    assert out.effective_served_ids == frozenset({2, 3, 30})
