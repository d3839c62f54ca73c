"""Every backend against an obviously correct reference: served history and user actions.

The references keep everything and apply the rules at read time; the stores trim as they write.
"""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_support import StoresFactory

from foryou.core import AuthorId, PostId, UserId
from foryou.stores import StoreLimits, UserAction

CAP = 4
ids = st.sampled_from([0, 1, 2, 3, (1 << 64) - 1])
responses = st.tuples(st.integers(0, 5).map(lambda t: 1000 * t), st.lists(st.tuples(ids.filter(bool), ids), max_size=3))
# A request id names one response; appending it again (the side effect, then its `Served` event) repeats it.
appends = st.dictionaries(st.sampled_from(["a", "b", "c", "d", "ab"]), responses, min_size=1).flatmap(
    lambda by_id: st.lists(st.sampled_from(sorted(by_id)), max_size=8).map(
        lambda order: [(r, *by_id[r]) for r in order]
    )
)


def reference_recent(
    log: list[tuple[str, int, list[tuple[int, int]]]], now_ms: int, max_age_s: int, max_ids: int
) -> list[int]:
    """First write of each (request, position) wins; newest CAP items kept; then the read rules."""
    items: dict[tuple[str, int], tuple[int, str, int, int, int]] = {}
    for request, at, pairs in log:
        for position, (post, original) in enumerate(pairs):
            items.setdefault((request, position), (at, request, position, post, original))
    newest = sorted(items.values(), key=lambda it: (-it[0], _desc(it[1]), it[2]))[:CAP]
    out: list[int] = []
    for at, _, _, post, original in newest:
        if at >= now_ms - 1000 * max_age_s:
            for pid in (post, original):
                if pid and pid not in out and len(out) < max_ids:
                    out.append(pid)
    return out


def _desc(text: str) -> tuple[int, ...]:
    return (*(-ord(c) for c in text), 1)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(log=appends, now=st.integers(0, 6000), age=st.integers(0, 6), max_ids=st.integers(0, 6))
def test_served_history_matches_the_reference(
    make_stores: StoresFactory, log: list[tuple[str, int, list[tuple[int, int]]]], now: int, age: int, max_ids: int
) -> None:
    async def body() -> None:
        stores = make_stores(limits=StoreLimits(max_served_per_viewer=CAP))
        try:
            for request, at, pairs in log:
                await stores.served_history.append(UserId(9), request, at, [(PostId(p), PostId(o)) for p, o in pairs])
            got = await stores.served_history.recent(UserId(9), now, age, max_ids)
            assert got == reference_recent(log, now, age, max_ids)
        finally:
            stores.close()

    asyncio.run(body())


actions = st.lists(
    st.tuples(st.sampled_from(["e1", "e2", "e3", "e4", "e5", "e6"]), st.integers(0, 3), st.integers(1, 19)),
    max_size=12,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(log=actions, batch=st.integers(1, 4))
def test_user_actions_match_the_reference(
    make_stores: StoresFactory, log: list[tuple[str, int, int]], batch: int
) -> None:
    """Unique event ids (SPEC §4.8): a repeated id repeats the same action."""
    by_id = {event_id: (t, a) for event_id, t, a in reversed(log)}
    records = [
        UserAction(e, UserId(1), PostId(5), AuthorId(6), by_id[e][1], 0, 0, by_id[e][0], 0, 0) for e, _, _ in log
    ]

    async def body() -> None:
        stores = make_stores(limits=StoreLimits(max_actions_per_user=CAP))
        try:
            for start in range(0, len(records), batch):
                await stores.user_actions.add(records[start : start + batch])
            got = await stores.user_actions.actions(UserId(1))
            expected = sorted({r.event_id: r for r in records}.values(), key=lambda r: r.sort_key)[-CAP:]
            assert got == expected
        finally:
            stores.close()

    asyncio.run(body())
