"""The compiled scan's pieces: its id lookup agrees with IdTable, request cursors follow the request, and
a scan cut short by the time budget returns the newest survivors found so far. (Whole queries are
compared with the reference store in test_store_agreement.py.)"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foryou.core.errors import ConfigError
from foryou.thunder.id_table import IdTable
from foryou.thunder.post_store import KINDS, ORIGINAL, SECONDARY
from foryou.thunder.recent_posts import RecentPosts
from foryou.thunder.scan_kernel import IdArrays, _lookup, request_cursors

from .helpers import NOW, Harness, post

ids = st.integers(1, 2**64 - 2)


@settings(max_examples=60, deadline=None)
@given(st.lists(ids, max_size=60, unique=True), st.lists(ids, max_size=30), st.data())
def test_compiled_lookup_agrees_with_the_id_table(stored: list[int], probes: list[int], data: st.DataObject) -> None:
    table = IdTable(4)
    table.put_many(np.array(stored, dtype=np.uint64), np.arange(len(stored), dtype=np.int32))
    removed = data.draw(st.lists(st.sampled_from(stored), max_size=10)) if stored else []
    table.remove_many(np.array(removed, dtype=np.uint64))
    arrays = IdArrays(*table.arrays())
    for key in [*stored, *probes, 0, 2**64 - 1]:  # the last two are the table's markers, never ids
        want = table.get(key) if 0 < key < 2**64 - 1 else -1
        assert _lookup(arrays, np.uint64(key)) == want


def test_request_cursors_keep_request_order_skip_unknown_and_repeated_authors() -> None:
    h = Harness()
    h.insert(post(1, 7), post(2, 5), post(3, 9), post(4, 5, in_reply_to_post_id=1))
    store = h.store
    requested = np.array([5, 42, 7, 5, 9, 7], dtype=np.uint64)
    kinds = np.array([ORIGINAL, SECONDARY], dtype=np.int64)
    cur = request_cursors(
        IdArrays(*store.author_index.arrays()),
        requested,
        kinds,
        np.array([3, 2], dtype=np.int64),
        np.array([False, True]),
        store.timelines.start,
        store.timelines.length,
    )
    authors = [int(store.author_index.get(a)) for a in (5, 7, 9)]
    tls = [a * KINDS + k for k in (ORIGINAL, SECONDARY) for a in authors]
    assert cur.stop.tolist() == store.timelines.start[tls].tolist()
    assert (cur.next - cur.stop + 1).tolist() == store.timelines.length[tls].tolist()
    assert cur.cap.tolist() == [3, 3, 3, 2, 2, 2]
    assert cur.reply_rule.tolist() == [False] * 3 + [True] * 3


def test_a_spent_budget_returns_the_newest_survivors_found_so_far() -> None:
    h = Harness()
    h.config = h.store.config = type(h.config)(request_timeout_ms=5)
    h.insert(*(post(i, 2 + i % 3) for i in range(1, 13)))
    readings = itertools.chain([0.0, 0.0, 0.0], itertools.repeat(1.0))  # start, two slices, then spent
    reads = RecentPosts(h.store, timer=lambda: next(readings), steps_per_check=4)
    partial = reads.top_recent([2, 3, 4], [], 0, now_s=NOW, max_results=10)
    full = h.reads.top_recent([2, 3, 4], [], 0, now_s=NOW, max_results=10)
    assert partial.timed_out and not full.timed_out
    assert 0 < partial.slots.shape[0] < full.slots.shape[0]
    assert partial.slots.tolist() == full.slots[: partial.slots.shape[0]].tolist()


def test_the_budget_is_read_before_any_work() -> None:
    h = Harness()
    h.config = h.store.config = type(h.config)(request_timeout_ms=5)
    h.insert(post(1, 2), post(2, 2))
    ticks = itertools.count(0.0, 1.0)
    result = RecentPosts(h.store, timer=lambda: next(ticks)).top_recent([2], [], 0, now_s=NOW, max_results=5)
    assert result.timed_out
    assert result.slots.shape[0] == 0


def test_slices_must_hold_at_least_one_entry() -> None:
    with pytest.raises(ConfigError):
        RecentPosts(Harness().store, steps_per_check=0)
