"""The vectorised index helpers and the timeline pool agree with plain Python lists."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from foryou.thunder.timelines import TimelinePool, group_cumsum, newest_first, ranges


def test_ranges_and_newest_first() -> None:
    starts = np.array([10, 0, 5], dtype=np.int64)
    lengths = np.array([2, 0, 3], dtype=np.int64)
    assert ranges(starts, lengths).tolist() == [10, 11, 5, 6, 7]
    assert newest_first(starts, lengths, np.array([1, 0, 2], dtype=np.int64)).tolist() == [11, 7, 6]


@given(st.lists(st.lists(st.booleans(), max_size=5), max_size=6))
def test_group_cumsum(groups: list[list[bool]]) -> None:
    flags = np.array([f for g in groups for f in g], dtype=np.bool_)
    counts = np.array([len(g) for g in groups], dtype=np.int64)
    want = [c for g in groups for c in np.cumsum(np.array(g, dtype=np.int64)).tolist()]
    assert group_cumsum(flags, counts).tolist() == want


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(1, 9)), max_size=30))
def test_pool_appends_survive_moves_and_repacks(appends: list[tuple[int, int]]) -> None:
    pool = TimelinePool(6, entries=8)
    model: list[list[int]] = [[] for _ in range(6)]
    value = 0
    for tl, n in appends:
        pool.reserve(np.array([tl], dtype=np.int64), np.array([len(model[tl]) + n], dtype=np.int64))
        start = int(pool.start[tl]) + len(model[tl])
        pool.pool[start : start + n] = np.arange(value, value + n)
        pool.length[tl] += n
        model[tl].extend(range(value, value + n))
        value += n
        if value % 3 == 0:
            pool.repack()
        assert [pool.entries(t).tolist() for t in range(6)] == model
