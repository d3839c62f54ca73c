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

from foryou.thunder.id_table import HASH_MULTIPLIER, REMOVED_KEY
from foryou.thunder.post_store import KINDS, LIVE, REPLY, RETWEET, PostStore

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
U64 = npt.NDArray[np.uint64]
Bools = npt.NDArray[np.bool_]
F = TypeVar("F", bound=Callable[..., Any])


def _kernel(fn: F) -> F:
    """An entry point: numba.njit, cached on disk so a process compiles it once per source version."""
    return cast(F, numba.njit(cache=True, nogil=True)(fn))


def _scan_kernel(fn: F) -> F:
    """An entry point that neither allocates nor returns arrays, compiled without numba's reference
    counting (`_nrt=False`). With it, every array in the namedtuples the helpers share is increfed and
    decrefed (atomically) around each branchy helper, and those calls took over half the query time
    (numba issue #2350); the caller keeps the arrays alive for the whole call anyway."""
    private: dict[str, Any] = {"_nrt": False}  # not in numba's typed signature
    return cast(F, numba.njit(cache=True, nogil=True, **private)(fn))


def _inline(fn: F) -> F:
    """A helper, inlined into its caller at numba IR level (so it is compiled under the caller's options)."""
    return cast(F, numba.njit(inline="always", cache=True, nogil=True)(fn))


class IdArrays(NamedTuple):
    """An IdTable's buckets (id_table.py), for lookups inside compiled code."""

    keys: U64
    vals: I32
    bits: int


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
    ids: IdArrays  # post id -> slot


def store_arrays(store: PostStore) -> StoreArrays:
    """The arrays of `store` a scan reads (the caller holds the store lock while it uses them)."""
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
        ids=IdArrays(*store.ids.arrays()),
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


class Heap(NamedTuple):
    """scan_newest's max-heap of timelines keyed by (created_at_s, post_id) of each one's newest
    unexamined entry; it also holds the other columns `_examine` reads of that entry, loaded together
    (flags _UNLOADED: not yet)."""

    timeline: I64
    slot: I64
    created: I64
    post_id: U64
    flags: U8
    source_user_id: U64


# Outcomes of examining one entry (bits).
_SKIP, _KEEP, _DONE = 0, 1, 2
_UNLOADED = 0xFF  # Heap.flags of an entry whose flags are not read yet (real flags use the low 4 bits)


@_inline
def _member(sorted_values: U64, value: np.uint64) -> bool:
    at = np.searchsorted(sorted_values, value)
    return bool(at < sorted_values.shape[0] and sorted_values[at] == value)


@_inline
def _lookup(table: IdArrays, key: np.uint64) -> int:
    """IdTable.get: linear probing from the Fibonacci hash of the key; −1 where absent."""
    if key == 0 or key == REMOVED_KEY:  # the table's empty / removed markers are never keys
        return -1
    mask = (1 << table.bits) - 1
    pos = np.int64((key * HASH_MULTIPLIER) >> np.uint64(64 - table.bits))
    while True:
        found = table.keys[pos]
        if found == key:
            return int(table.vals[pos])
        if found == 0:
            return -1
        pos = (pos + 1) & mask


@_kernel
def request_cursors(
    authors: IdArrays, requested: U64, kinds: I64, caps: I64, reply_rule: Bools, start: I64, length: I64
) -> Cursors:
    """Cursors over the timelines of `kinds` (with their caps and reply rule) of every requested author
    the store knows: kind by kind, authors in request order, a repeated author only at its first place.
    `authors` maps author id -> author index; `start` / `length` are the TimelinePool's."""
    n = requested.shape[0]
    bits = 4
    while (1 << bits) < 2 * n:
        bits += 1
    seen = np.full(1 << bits, -1, dtype=np.int64)  # open-addressing set of author indexes
    ais = np.empty(n, dtype=np.int64)
    count = 0
    for author in requested:
        ai = _lookup(authors, author)
        if ai < 0:
            continue
        pos = ai & ((1 << bits) - 1)
        while seen[pos] >= 0 and seen[pos] != ai:
            pos = (pos + 1) & ((1 << bits) - 1)
        if seen[pos] == ai:
            continue
        seen[pos] = ai
        ais[count] = ai
        count += 1
    total = count * kinds.shape[0]
    cur = Cursors(
        np.empty(total, dtype=np.int64),
        np.empty(total, dtype=np.int64),
        np.empty(total, dtype=np.int64),
        np.empty(total, dtype=np.bool_),
        np.zeros(total, dtype=np.int64),
        np.zeros(total, dtype=np.int64),
    )
    for k in range(kinds.shape[0]):
        for j in range(count):
            tl, at = ais[j] * KINDS + kinds[k], k * count + j
            cur.stop[at] = start[tl]
            cur.next[at] = start[tl] + length[tl] - 1
            cur.cap[at] = caps[k]
            cur.reply_rule[at] = reply_rule[k]
    return cur


@_inline
def _reply_passes(st: StoreArrays, rules: ScanRules, slot: int) -> bool:
    """SPEC §4.5 reply rule (secondary timelines)."""
    parent_id = st.in_reply_to_post_id[slot]
    if parent_id == 0:
        return True
    parent = int(st.parent_ref[slot]) - 1
    if parent < 0 or st.post_id[parent] != parent_id or (st.flags[parent] & LIVE) == 0:
        parent = _lookup(st.ids, parent_id)
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


@_inline
def _examine(
    st: StoreArrays,
    rules: ScanRules,
    cur: Cursors,
    i: int,
    slot: int,
    post_id: np.uint64,
    created: np.int64,
    flags: np.uint8,
    source_user_id: np.uint64,
) -> int:
    """The outcome of timeline i's entry `slot` (its newest unexamined one, already stepped past):
    _KEEP, _SKIP, and _DONE when nothing further down the timeline can survive."""
    outcome = _SKIP
    if not _member(rules.exclude, post_id):  # excluded ids do not count toward the scan limit
        cur.examined[i] += 1
        if created < rules.cutoff_s:
            return _DONE  # sorted by time: every older entry is past retention too
        if (
            (flags & LIVE) != 0
            and not ((flags & RETWEET) != 0 and source_user_id == rules.viewer)
            and not (cur.reply_rule[i] and not _reply_passes(st, rules, slot))
        ):
            cur.kept[i] += 1
            outcome = _KEEP
    if cur.next[i] < cur.stop[i] or cur.kept[i] >= cur.cap[i] or cur.examined[i] >= rules.max_scan:
        return outcome | _DONE
    return outcome


@_inline
def _next_survivor(st: StoreArrays, rules: ScanRules, cur: Cursors, i: int) -> tuple[int, int]:
    """Walk timeline i down to its next survivor: (its slot or −1 when there is none, entries looked at)."""
    looked = 0
    while cur.next[i] >= cur.stop[i]:
        slot = int(st.pool[cur.next[i]])
        cur.next[i] -= 1
        looked += 1
        outcome = _examine(
            st, rules, cur, i, slot, st.post_id[slot], st.created[slot], st.flags[slot], st.source_user_id[slot]
        )
        if outcome & _DONE:
            cur.next[i] = cur.stop[i] - 1  # finished: the next call finds nothing
        if outcome & _KEEP:
            return slot, looked
    return -1, looked


@_scan_kernel
def scan_in_order(st: StoreArrays, rules: ScanRules, cur: Cursors, out: I64, progress: I64, steps: int) -> bool:
    """Timelines in order, each newest first, survivors appended to `out`; stops after about `steps`
    entries. progress = [timeline, survivors]. Returns whether the scan is complete."""
    n = cur.next.shape[0]
    while progress[0] < n and steps > 0 and progress[1] < out.shape[0]:  # out has room for every cap
        slot, looked = _next_survivor(st, rules, cur, progress[0])
        steps -= max(looked, 1)
        if slot < 0:
            progress[0] += 1
        else:
            out[progress[1]] = slot
            progress[1] += 1
    return bool(progress[0] >= n or progress[1] >= out.shape[0])


@_inline
def _load(heap: Heap, at: int, timeline: int, st: StoreArrays, slot: int) -> None:
    """Put timeline's entry `slot` at heap position `at`. Its columns are read here, together, because
    each is likely a cache miss: issued at once they overlap instead of queueing behind each other."""
    heap.timeline[at], heap.slot[at] = timeline, slot
    heap.created[at], heap.post_id[at] = st.created[slot], st.post_id[slot]
    heap.flags[at], heap.source_user_id[at] = st.flags[slot], st.source_user_id[slot]


@_inline
def _newer(heap: Heap, a: int, b: int) -> bool:
    ca, cb = heap.created[a], heap.created[b]
    return bool(ca > cb or (ca == cb and heap.post_id[a] > heap.post_id[b]))


@_inline
def _swap(heap: Heap, a: int, b: int) -> None:
    heap.timeline[a], heap.timeline[b] = heap.timeline[b], heap.timeline[a]
    heap.slot[a], heap.slot[b] = heap.slot[b], heap.slot[a]
    heap.created[a], heap.created[b] = heap.created[b], heap.created[a]
    heap.post_id[a], heap.post_id[b] = heap.post_id[b], heap.post_id[a]
    heap.flags[a], heap.flags[b] = heap.flags[b], heap.flags[a]
    heap.source_user_id[a], heap.source_user_id[b] = heap.source_user_id[b], heap.source_user_id[a]


@_inline
def _sift_down(heap: Heap, size: int, at: int) -> None:
    while True:
        child = 2 * at + 1
        if child >= size:
            return
        if child + 1 < size and _newer(heap, child + 1, child):
            child += 1
        if not _newer(heap, child, at):
            return
        _swap(heap, at, child)
        at = child


@_scan_kernel
def scan_newest(
    st: StoreArrays, rules: ScanRules, cur: Cursors, heap: Heap, out: I64, progress: I64, steps: int
) -> bool:
    """The first `out.shape[0]` survivors of all timelines in recency order (created_at_s, then post_id,
    descending): a k-way merge of the timelines, each walked newest first under its own caps, so an
    entry is examined only if it is newer than the last survivor returned. Stops after about `steps`
    entries. progress = [heap size, survivors, heap built]. Returns whether the scan is complete."""
    if progress[2] == 0:
        # Every non-empty timeline enters keyed by its newest entry. Two plain passes let the CPU
        # overlap the cache misses of many timelines; flags wait until a timeline reaches the top,
        # which most never do.
        size = 0
        for i in range(cur.next.shape[0]):
            if cur.next[i] >= cur.stop[i]:
                heap.timeline[size], heap.slot[size] = i, st.pool[cur.next[i]]
                size += 1
        for at in range(size):
            slot = heap.slot[at]
            heap.created[at], heap.post_id[at], heap.flags[at] = st.created[slot], st.post_id[slot], _UNLOADED
        for at in range(size // 2 - 1, -1, -1):
            _sift_down(heap, size, at)
        progress[0], progress[2] = size, 1
        steps -= cur.next.shape[0]
    size = int(progress[0])
    while size > 0 and progress[1] < out.shape[0] and steps > 0:
        if heap.created[0] < rules.cutoff_s:
            size = 0  # the newest entry left is past retention, so is everything else
            break
        i, slot = heap.timeline[0], heap.slot[0]
        flags, source_user_id = heap.flags[0], heap.source_user_id[0]
        if flags == _UNLOADED:
            flags, source_user_id = st.flags[slot], st.source_user_id[slot]
        cur.next[i] -= 1
        steps -= 1
        outcome = _examine(st, rules, cur, i, slot, heap.post_id[0], heap.created[0], flags, source_user_id)
        if outcome & _KEEP:
            out[progress[1]] = slot
            progress[1] += 1
        if outcome & _DONE:
            size -= 1
            _swap(heap, 0, size)
        else:
            _load(heap, 0, i, st, int(st.pool[cur.next[i]]))
        _sift_down(heap, size, 0)
    progress[0] = size
    return bool(size == 0 or progress[1] >= out.shape[0])


def new_heap(timelines: int) -> Heap:
    i64, u64 = np.zeros(timelines, dtype=np.int64), np.zeros(timelines, dtype=np.uint64)
    return Heap(i64, i64.copy(), i64.copy(), u64, np.zeros(timelines, dtype=np.uint8), u64.copy())


@functools.cache
def warm_up() -> None:
    """Compile the kernels (or load them from numba's disk cache) on a one-entry store, once per
    process, so no request pays for it. The argument types match what RecentPosts passes exactly."""
    one_i64, one_u64 = np.ones(1, dtype=np.int64), np.ones(1, dtype=np.uint64)
    table = IdArrays(np.zeros(1024, dtype=np.uint64), np.full(1024, -1, dtype=np.int32), 10)
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
        ids=table,
    )
    rules = ScanRules(one_u64.copy(), one_u64.copy(), np.uint64(0), np.int64(0), np.int64(1))
    kinds, reply = np.zeros(1, dtype=np.int64), np.ones(1, dtype=np.bool_)
    request_cursors(table, one_u64, kinds, one_i64, reply, np.zeros(3, np.int64), np.ones(3, np.int64))

    def cursors() -> Cursors:
        zero = np.zeros(1, dtype=np.int64)
        return Cursors(zero.copy(), zero.copy(), one_i64.copy(), reply.copy(), zero.copy(), zero.copy())

    scan_in_order(st, rules, cursors(), np.zeros(1, dtype=np.int64), np.zeros(2, dtype=np.int64), 1)
    scan_newest(st, rules, cursors(), new_heap(1), np.zeros(1, dtype=np.int64), np.zeros(3, dtype=np.int64), 1)
