"""The range helper and the timeline pool agree with plain Python lists."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from foryou.thunder.timelines import TimelinePool, ranges


def test_ranges() -> None:
    starts = np.array([10, 0, 5], dtype=np.int64)
    lengths = np.array([2, 0, 3], dtype=np.int64)
    assert ranges(starts, lengths).tolist() == [10, 11, 5, 6, 7]


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
