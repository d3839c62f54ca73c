"""Thunder's queries (SPEC §4.5) and recency ordering (§4.6 step 5), vectorised across authors.

For every requested author the scan looks at a window of its newest timeline entries; authors whose
window held too few survivors (excluded ids, stale entries, dropped replies) get a doubled window and
are scanned again, so the usual request touches about `cap` entries per author. The time budget is
checked between these vectorised passes. `reference.py` states the same rules one post at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from foryou.thunder.post_store import KINDS, LIVE, ORIGINAL, REPLY, RETWEET, SECONDARY, VIDEO, PostStore
from foryou.thunder.timelines import group_cumsum, newest_first

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]


@dataclass(frozen=True)
class ScanResult:
    """Slots of the surviving posts, authors in request order, each author's newest first."""

    slots: I64
    timed_out: bool


class _Budget:
    """The request's time budget and its retention cutoff (entries older than it no longer resolve)."""

    def __init__(self, timer: Callable[[], float], timeout_ms: int, cutoff_s: int) -> None:
        self.timer = timer
        self.cutoff_s = cutoff_s
        self.deadline = timer() + timeout_ms / 1000 if timeout_ms > 0 else None

    def spent(self) -> bool:
        return self.deadline is not None and self.timer() >= self.deadline


class RecentPosts:
    """Read side of the PostStore. Inputs are plain id sequences; outputs are slots or LightPosts."""

    def __init__(self, store: PostStore, *, timer: Callable[[], float] = time.perf_counter) -> None:
        self.store = store
        self.timer = timer  # seconds, monotonic; the request time budget is measured with it

    def all_posts_slots(self, authors: Sequence[int], exclude: Sequence[int], viewer: int, *, now_s: int) -> ScanResult:
        """Originals (cap max_original) then secondaries (cap max_secondary, reply rule)."""
        cfg = self.store.config
        budget = _Budget(self.timer, cfg.request_timeout_ms, now_s - cfg.retention_s)
        with self.store.lock:
            ais, excl, followed = self._prepare(authors, exclude)
            first = self._scan(ais, ORIGINAL, cfg.max_original_per_author, excl, viewer, None, budget)
            if first.timed_out:
                return first
            second = self._scan(ais, SECONDARY, cfg.max_secondary_per_author, excl, viewer, followed, budget)
            return ScanResult(np.concatenate((first.slots, second.slots)), second.timed_out)

    def video_slots(self, authors: Sequence[int], exclude: Sequence[int], viewer: int, *, now_s: int) -> ScanResult:
        cfg = self.store.config
        budget = _Budget(self.timer, cfg.request_timeout_ms, now_s - cfg.retention_s)
        with self.store.lock:
            ais, excl, _ = self._prepare(authors, exclude)
            return self._scan(ais, VIDEO, cfg.max_video_per_author, excl, viewer, None, budget)

    def _prepare(self, authors: Sequence[int], exclude: Sequence[int]) -> tuple[I64, U64, U64]:
        index = self.store.author_index
        seen: set[int] = set()
        ais = []
        for author in authors:
            if author in seen:
                continue  # a repeated followee is scanned once (decision Thunder-2)
            seen.add(author)
            ai = index.get(author)
            if ai is not None:
                ais.append(ai)
        excl = np.unique(np.asarray(exclude, dtype=np.uint64)) if len(exclude) else np.zeros(0, np.uint64)
        followed = np.unique(np.asarray(list(seen), dtype=np.uint64))
        return np.asarray(ais, dtype=np.int64), excl, followed

    def _scan(
        self, ais: I64, kind: int, cap: int, excl: U64, viewer: int, followed: U64 | None, budget: _Budget
    ) -> ScanResult:
        pool = self.store.timelines
        tls = ais * KINDS + kind
        tls = tls[pool.length[tls] > 0]
        order = np.arange(tls.shape[0])
        window = np.minimum(pool.length[tls], cap)
        taken_groups: list[I64] = []
        taken_slots: list[I64] = []
        while tls.size:
            if budget.spent():
                return ScanResult(self._assemble(taken_groups, taken_slots), True)
            kept, kept_group, complete = self._pass(tls, window, cap, excl, viewer, followed, budget.cutoff_s)
            final = complete[kept_group]
            taken_groups.append(order[kept_group[final]])
            taken_slots.append(kept[final])
            rest = ~complete
            tls, order = tls[rest], order[rest]
            window = np.minimum(pool.length[tls], window[rest] * 2)
        return ScanResult(self._assemble(taken_groups, taken_slots), False)

    @staticmethod
    def _assemble(groups: list[I64], slots: list[I64]) -> I64:
        if not slots:
            return np.zeros(0, dtype=np.int64)
        if len(slots) == 1:
            return slots[0]  # one pass: already in request order
        flat = np.concatenate(slots)
        result: I64 = flat[np.argsort(np.concatenate(groups), kind="stable")]
        return result

    def _pass(
        self, tls: I64, window: I64, cap: int, excl: U64, viewer: int, followed: U64 | None, cutoff_s: int
    ) -> tuple[I64, I64, npt.NDArray[np.bool_]]:
        """One window per timeline: the first `cap` survivors of each and whether it is finished."""
        store, pool = self.store, self.store.timelines
        lengths = pool.length[tls]
        slots = pool.pool[newest_first(pool.start[tls], lengths, window)].astype(np.int64)
        post_ids = store.col_u64("post_id")[slots]
        examined = ~_member(post_ids, excl)
        ex_rank = group_cumsum(examined, window)
        flags = store.flags[slots]
        ok = examined & (ex_rank <= store.config.max_scan_per_author) & ((flags & LIVE) != 0)
        own = ((flags & RETWEET) != 0) & (store.col_u64("source_user_id")[slots] == np.uint64(viewer))
        ok &= ~own & (store.created[slots] >= cutoff_s)
        if followed is not None:
            ok &= self._reply_rule(slots, flags, followed)
        rank = group_cumsum(ok, window)
        take = ok & (rank <= cap)
        group = np.repeat(np.arange(tls.shape[0]), window)
        n_ok = np.bincount(group[ok], minlength=tls.shape[0])
        n_examined = np.bincount(group[examined], minlength=tls.shape[0])
        complete = (n_ok >= cap) | (window >= lengths) | (n_examined >= store.config.max_scan_per_author)
        return slots[take], group[take], complete

    def _reply_rule(self, slots: I64, flags: npt.NDArray[np.uint8], followed: U64) -> npt.NDArray[np.bool_]:
        store = self.store
        parent_ids = store.col_u64("in_reply_to_post_id")[slots]
        replies = np.flatnonzero(parent_ids != 0)
        passes = np.ones(slots.shape[0], dtype=np.bool_)
        if replies.size == 0:
            return passes
        child = slots[replies]
        parent = store.ids.get_many(parent_ids[replies]).astype(np.int64)
        stored = parent >= 0
        parent = np.where(stored, parent, 0)
        parent_original = (store.flags[parent] & (REPLY | RETWEET)) == 0
        conversation = store.col_u64("conversation_id")[child]
        answers_root = (conversation != 0) & (store.col_u64("in_reply_to_post_id")[parent] == conversation)
        to_followed = _member(store.col_u64("in_reply_to_user_id")[child], followed)
        passes[replies] = stored & (parent_original | (answers_root & to_followed))
        return passes

    # -------------------------------------------------------------- recency + LightPosts
    def select_recent(self, slots: I64, max_results: int) -> I64:
        """§4.6 step 5: created_at_s descending, ties post_id descending, first `max_results`."""
        store = self.store
        with store.lock:
            created = store.created[slots]
            if slots.shape[0] > max_results:
                threshold = np.partition(created, slots.shape[0] - max_results)[slots.shape[0] - max_results]
                slots = slots[created >= threshold]
                created = store.created[slots]
            order = np.lexsort((store.col_u64("post_id")[slots], created))[::-1]
            result: I64 = slots[order[:max_results]]
            return result


def _member(values: U64, sorted_set: U64) -> npt.NDArray[np.bool_]:
    """values ∈ sorted_set, elementwise."""
    if sorted_set.shape[0] == 0:
        return np.zeros(values.shape[0], dtype=np.bool_)
    at = np.minimum(np.searchsorted(sorted_set, values), sorted_set.shape[0] - 1)
    result: npt.NDArray[np.bool_] = sorted_set[at] == values
    return result


__all__ = ["SECONDARY", "RecentPosts", "ScanResult"]
