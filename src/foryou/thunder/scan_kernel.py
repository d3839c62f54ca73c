"""The compiled core of Thunder's queries (SPEC §4.5): timeline entries examined one at a time, newest first.

A query touches about two thousand timelines but only the few entries near their newest ends, each at
a random row of ten-million-row columns. Vectorising that across authors in numpy still costs dozens
of array passes per request; a compiled loop examines each entry once, and for the recency-ordered
request (`scan_newest`) merges the timelines newest first and stops at `max_results` survivors, so it
never reads what cannot make the cut. Both drivers share `_examine`, the per-entry rules.

Every kernel works on at most `steps` entries per call and keeps its progress in the arrays it is given,
so the caller can check the request's time budget between calls. `reference.py` states the same rules
in plain Python; property tests compare the two.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt

from foryou.thunder.id_table import HASH_MULTIPLIER
from foryou.thunder.post_store import LIVE, REPLY, RETWEET, PostStore

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
U64 = npt.NDArray[np.uint64]
Bools = npt.NDArray[np.bool_]
F = TypeVar("F", bound=Callable[..., Any])


def _compiled(fn: F) -> F:
    """numba.njit, cached on disk so a process pays the compile only once per source version."""
    return cast(F, numba.njit(cache=True, nogil=True)(fn))


class StoreArrays(NamedTuple):
    """The PostStore arrays a scan reads (views; valid while the store lock is held)."""

    pool: I32  # timeline entries (slots)
    flags: U8
    created: I64
    post_id: U64
    source_user_id: U64
    in_reply_to_post_id: U64
    in_reply_to_user_id: U64
    conversation_id: U64
    parent_ref: I32  # parent slot + 1 when known at insert, else 0 (a hint, verified before use)
    id_keys: U64  # IdTable buckets: post id -> slot
    id_vals: I32
    id_bits: int


def store_arrays(store: PostStore) -> StoreArrays:
    """The arrays of `store` a scan reads (the caller holds the store lock while it uses them)."""
    id_keys, id_vals, id_bits = store.ids.arrays()
    parent_ref: I32 = store.cols["parent_ref"]  # type: ignore[assignment]
    return StoreArrays(
        pool=store.timelines.pool,
        flags=store.flags,
        created=store.created,
        post_id=store.col_u64("post_id"),
        source_user_id=store.col_u64("source_user_id"),
        in_reply_to_post_id=store.col_u64("in_reply_to_post_id"),
        in_reply_to_user_id=store.col_u64("in_reply_to_user_id"),
        conversation_id=store.col_u64("conversation_id"),
        parent_ref=parent_ref,
        id_keys=id_keys,
        id_vals=id_vals,
        id_bits=id_bits,
    )


class ScanRules(NamedTuple):
    exclude: U64  # sorted, distinct
    followed: U64  # sorted requested authors (F of the reply rule)
    viewer: np.uint64
    cutoff_s: np.int64  # entries created before this are past retention and do not resolve
    max_scan: np.int64


class Cursors(NamedTuple):
    """Per-timeline progress. Timeline i still has entries pool[stop[i] : next[i] + 1], newest at next[i]."""

    next: I64
    stop: I64
    cap: I64
    reply_rule: Bools
    kept: I64
    examined: I64


# Outcomes of examining one entry.
_SKIP, _KEEP, _DONE = 0, 1, 2


@_compiled
def _member(sorted_values: U64, value: np.uint64) -> bool:
    at = np.searchsorted(sorted_values, value)
    return bool(at < sorted_values.shape[0] and sorted_values[at] == value)


@_compiled
def _slot_of(st: StoreArrays, post_id: np.uint64) -> int:
    """IdTable.get: linear probing from the Fibonacci hash of the id; −1 where absent."""
    mask = (1 << st.id_bits) - 1
    pos = np.int64((post_id * HASH_MULTIPLIER) >> np.uint64(64 - st.id_bits))
    while True:
        found = st.id_keys[pos]
        if found == post_id:
            return int(st.id_vals[pos])
        if found == 0:
            return -1
        pos = (pos + 1) & mask


@_compiled
def _reply_passes(st: StoreArrays, rules: ScanRules, slot: int) -> bool:
    """SPEC §4.5 reply rule (secondary timelines)."""
    parent_id = st.in_reply_to_post_id[slot]
    if parent_id == 0:
        return True
    parent = int(st.parent_ref[slot]) - 1
    if parent < 0 or st.post_id[parent] != parent_id or (st.flags[parent] & LIVE) == 0:
        parent = _slot_of(st, parent_id)
    if parent < 0:
        return False
    if (st.flags[parent] & (REPLY | RETWEET)) == 0:
        return True
    conversation = st.conversation_id[slot]
    return bool(
        conversation != 0
        and st.in_reply_to_post_id[parent] == conversation
        and _member(rules.followed, st.in_reply_to_user_id[slot])
    )


@_compiled
def _examine(st: StoreArrays, rules: ScanRules, cur: Cursors, i: int) -> int:
    """Look at timeline i's newest unexamined entry and advance past it: _KEEP (the slot is a survivor),
    _SKIP, or _DONE (nothing further down this timeline can survive)."""
    slot = int(st.pool[cur.next[i]])
    cur.next[i] -= 1
    outcome = _SKIP
    if not _member(rules.exclude, st.post_id[slot]):  # excluded ids do not count toward the scan limit
        cur.examined[i] += 1
        if st.created[slot] < rules.cutoff_s:
            return _DONE  # sorted by time: every older entry is past retention too
        flags = st.flags[slot]
        if (
            (flags & LIVE) != 0
            and not ((flags & RETWEET) != 0 and st.source_user_id[slot] == rules.viewer)
            and not (cur.reply_rule[i] and not _reply_passes(st, rules, slot))
        ):
            cur.kept[i] += 1
            outcome = _KEEP
    if cur.next[i] < cur.stop[i] or cur.kept[i] >= cur.cap[i] or cur.examined[i] >= rules.max_scan:
        return outcome | _DONE
    return outcome


@_compiled
def scan_in_order(st: StoreArrays, rules: ScanRules, cur: Cursors, out: I64, progress: I64, steps: int) -> bool:
    """Timelines in order, each newest first, survivors appended to `out`. progress = [timeline, n_out].
    Returns whether the scan is complete."""
    n = cur.next.shape[0]
    while progress[0] < n and steps > 0:
        i = progress[0]
        if cur.next[i] < cur.stop[i]:
            progress[0] += 1
            continue
        outcome = _examine(st, rules, cur, i)
        steps -= 1
        if outcome & _KEEP:
            out[progress[1]] = st.pool[cur.next[i] + 1]
            progress[1] += 1
        if outcome & _DONE:
            cur.next[i] = cur.stop[i] - 1
            progress[0] += 1
    return bool(progress[0] >= n)


@_compiled
def _newer(created: I64, post_id: U64, a: int, b: int) -> bool:
    return bool(created[a] > created[b] or (created[a] == created[b] and post_id[a] > post_id[b]))


@_compiled
def _sift_down(heap: I64, size: int, created: I64, post_id: U64, at: int) -> None:
    """Restore the max-heap below `at`; heap holds timeline indexes, keyed by their newest entry."""
    while True:
        child = 2 * at + 1
        if child >= size:
            return
        if child + 1 < size and _newer(created, post_id, child + 1, child):
            child += 1
        if not _newer(created, post_id, child, at):
            return
        heap[at], heap[child] = heap[child], heap[at]
        created[at], created[child] = created[child], created[at]
        post_id[at], post_id[child] = post_id[child], post_id[at]
        at = child


@_compiled
def scan_newest(
    st: StoreArrays,
    rules: ScanRules,
    cur: Cursors,
    heap: I64,
    heap_created: I64,
    heap_post_id: U64,
    out: I64,
    progress: I64,
    steps: int,
) -> bool:
    """The first `out.shape[0]` survivors across all timelines in recency order (created_at_s, then
    post_id, descending): a k-way merge of the timelines, each examined newest first with its own caps.
    progress = [heap size, n_out, started]. Returns whether the scan is complete."""
    if progress[2] == 0:  # first call: heap of every non-empty timeline, keyed by its newest entry
        size = 0
        for i in range(cur.next.shape[0]):
            if cur.next[i] >= cur.stop[i]:
                slot = st.pool[cur.next[i]]
                heap[size], heap_created[size], heap_post_id[size] = i, st.created[slot], st.post_id[slot]
                size += 1
        for at in range(size // 2 - 1, -1, -1):
            _sift_down(heap, size, heap_created, heap_post_id, at)
        progress[0], progress[2] = size, 1
    size = int(progress[0])
    while size > 0 and progress[1] < out.shape[0] and steps > 0:
        if heap_created[0] < rules.cutoff_s:
            size = 0  # the newest entry left is past retention, so is everything else
            break
        i = heap[0]
        outcome = _examine(st, rules, cur, i)
        steps -= 1
        if outcome & _KEEP:
            out[progress[1]] = st.pool[cur.next[i] + 1]
            progress[1] += 1
        if outcome & _DONE:
            size -= 1
            heap[0], heap_created[0], heap_post_id[0] = heap[size], heap_created[size], heap_post_id[size]
        else:
            slot = st.pool[cur.next[i]]
            heap_created[0], heap_post_id[0] = st.created[slot], st.post_id[slot]
        _sift_down(heap, size, heap_created, heap_post_id, 0)
    progress[0] = size
    return bool(size == 0 or progress[1] >= out.shape[0])


@functools.cache
def warm_up() -> None:
    """Compile both drivers (or load them from numba's disk cache) on a one-entry store, once per
    process, so no request pays for it. The argument types match what RecentPosts passes exactly."""
    one_i64, one_u64 = np.ones(1, dtype=np.int64), np.ones(1, dtype=np.uint64)
    st = StoreArrays(
        pool=np.zeros(1, dtype=np.int32),
        flags=np.full(1, LIVE | REPLY, dtype=np.uint8),
        created=one_i64.copy(),
        post_id=one_u64.copy(),
        source_user_id=one_u64.copy(),
        in_reply_to_post_id=one_u64.copy(),
        in_reply_to_user_id=one_u64.copy(),
        conversation_id=one_u64.copy(),
        parent_ref=np.zeros(1, dtype=np.int32),
        id_keys=np.zeros(1024, dtype=np.uint64),
        id_vals=np.full(1024, -1, dtype=np.int32),
        id_bits=10,
    )
    rules = ScanRules(one_u64.copy(), one_u64.copy(), np.uint64(0), np.int64(0), np.int64(1))

    def cursors() -> Cursors:
        zero = np.zeros(1, dtype=np.int64)
        return Cursors(zero.copy(), zero.copy(), one_i64.copy(), np.ones(1, dtype=np.bool_), zero.copy(), zero.copy())

    scan_in_order(st, rules, cursors(), np.zeros(1, dtype=np.int64), np.zeros(2, dtype=np.int64), 1)
    heap, heap_created, heap_post_id = np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(1, np.uint64)
    out, progress = np.zeros(1, dtype=np.int64), np.zeros(3, dtype=np.int64)
    scan_newest(st, rules, cursors(), heap, heap_created, heap_post_id, out, progress, 1)
