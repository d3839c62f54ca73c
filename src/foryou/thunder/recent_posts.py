"""Thunder's queries (SPEC §4.5) and recency ordering (§4.6 step 5).

This module turns a request into timeline cursors and runs the compiled scan (`scan_kernel.py`) in
slices of `steps_per_check` entries, checking the time budget between slices. `top_recent`, the
serving path, merges all timelines newest first and stops after `max_results` survivors; the
author-ordered scans exist for callers that want §4.5's own order. `reference.py` states the same
rules one post at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from foryou.core.errors import ConfigError
from foryou.thunder import scan_kernel
from foryou.thunder.post_store import ORIGINAL, SECONDARY, VIDEO, PostStore
from foryou.thunder.scan_kernel import Cursors, IdArrays, ScanRules, StoreArrays

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
# Entries examined between two readings of the time budget: ~0.1 ms of work, so a spent budget is
# noticed promptly while a usual request (a few thousand entries) reads the timer once or twice.
STEPS_PER_CHECK = 4096


@dataclass(frozen=True)
class ScanResult:
    """Slots of the surviving posts, in the order the query defines."""

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
    """Read side of the PostStore. Inputs are plain id sequences; outputs are slots."""

    def __init__(
        self,
        store: PostStore,
        *,
        timer: Callable[[], float] = time.perf_counter,
        steps_per_check: int = STEPS_PER_CHECK,
    ) -> None:
        if steps_per_check < 1:
            raise ConfigError(f"steps_per_check must be ≥ 1, got {steps_per_check}")
        self.store = store
        self.steps = steps_per_check
        self.timer = timer  # seconds, monotonic; the request time budget is measured with it
        scan_kernel.warm_up()  # compile (or load the compiled kernels) now, not in the first request

    def all_posts_slots(self, authors: Sequence[int], exclude: Sequence[int], viewer: int, *, now_s: int) -> ScanResult:
        """Originals (cap max_original) then secondaries (cap max_secondary, reply rule), authors in
        request order, each author's newest first."""
        return self._in_order(authors, exclude, viewer, now_s, video=False)

    def video_slots(self, authors: Sequence[int], exclude: Sequence[int], viewer: int, *, now_s: int) -> ScanResult:
        return self._in_order(authors, exclude, viewer, now_s, video=True)

    def top_recent(
        self,
        authors: Sequence[int],
        exclude: Sequence[int],
        viewer: int,
        *,
        now_s: int,
        max_results: int,
        video: bool = False,
    ) -> ScanResult:
        """`select_recent(all_posts_slots(...) or video_slots(...), max_results)`, reading only what
        can make the cut: a merge of the timelines newest first that stops at `max_results` survivors."""
        budget = self._budget(now_s)
        with self.store.lock:
            st, rules, cur = self._cursors(authors, exclude, viewer, budget.cutoff_s, video)
            size = min(max_results, int(np.minimum(cur.next - cur.stop + 1, cur.cap).sum()))
            out = np.zeros(max(size, 0), dtype=np.int64)
            heap = scan_kernel.new_heap(cur.next.shape[0])
            progress = np.zeros(3, dtype=np.int64)  # [heap size, survivors, heap built]
            timed_out = False
            while True:
                if budget.spent():
                    timed_out = True
                    break
                if scan_kernel.scan_newest(st, rules, cur, heap, out, progress, self.steps):
                    break
            return ScanResult(out[: progress[1]], timed_out)

    def _in_order(
        self, authors: Sequence[int], exclude: Sequence[int], viewer: int, now_s: int, *, video: bool
    ) -> ScanResult:
        budget = self._budget(now_s)
        with self.store.lock:
            st, rules, cur = self._cursors(authors, exclude, viewer, budget.cutoff_s, video)
            out = np.zeros(int(np.minimum(cur.next - cur.stop + 1, cur.cap).sum()), dtype=np.int64)
            progress = np.zeros(2, dtype=np.int64)  # [timeline, survivors]
            timed_out = False
            while True:
                if budget.spent():
                    timed_out = True
                    break
                if scan_kernel.scan_in_order(st, rules, cur, out, progress, self.steps):
                    break
            return ScanResult(out[: progress[1]], timed_out)

    def _budget(self, now_s: int) -> _Budget:
        cfg = self.store.config
        return _Budget(self.timer, cfg.request_timeout_ms, now_s - cfg.retention_s)

    def _cursors(
        self, authors: Sequence[int], exclude: Sequence[int], viewer: int, cutoff_s: int, video: bool
    ) -> tuple[StoreArrays, ScanRules, Cursors]:
        """The arrays, rules and per-timeline cursors of one request (the caller holds the lock).
        Timelines: every author's original then, in a second run, secondary — or video alone."""
        store, cfg, pool = self.store, self.store.config, self.store.timelines
        requested = np.ascontiguousarray(authors, dtype=np.uint64)
        if video:
            kinds, caps, reply = [VIDEO], [cfg.max_video_per_author], [False]
        else:
            kinds = [ORIGINAL, SECONDARY]
            caps, reply = [cfg.max_original_per_author, cfg.max_secondary_per_author], [False, True]
        cur = scan_kernel.request_cursors(
            IdArrays(*store.author_index.arrays()),
            requested,
            np.array(kinds, dtype=np.int64),
            np.array(caps, dtype=np.int64),
            np.array(reply, dtype=np.bool_),
            pool.start,
            pool.length,
        )
        excluded = np.unique(np.asarray(exclude, dtype=np.uint64)) if len(exclude) else np.zeros(0, np.uint64)
        rules = ScanRules(
            exclude=excluded,
            followed=np.sort(requested),
            viewer=np.uint64(viewer),
            cutoff_s=np.int64(cutoff_s),
            max_scan=np.int64(cfg.max_scan_per_author),
        )
        return scan_kernel.store_arrays(store), rules, cur

    # -------------------------------------------------------------- recency
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


__all__ = ["SECONDARY", "RecentPosts", "ScanResult"]
