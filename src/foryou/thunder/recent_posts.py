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

I64 = npt.NDArray[np.int64]
GROWTH = 4  # window growth per pass of top_recent
FIRST_WINDOW = 4  # entries per timeline in top_recent's first pass: small windows measured fastest
U64 = npt.NDArray[np.uint64]


@dataclass(frozen=True)
class ScanResult:
    """Slots of the surviving posts, authors in request order, each author's newest first."""

    slots: I64
    timed_out: bool


Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class _ScanArgs:
    exclude: U64  # sorted
    followed: U64  # sorted requested authors (F of the reply rule)
    viewer: int
    cutoff_s: int  # entries created before this are past retention and do not resolve


@dataclass(frozen=True)
class _PassResult:
    slots: I64  # survivors kept, grouped by timeline, newest first
    group: I64  # their timeline's position in the pass
    complete: Bools  # nothing further down this timeline can change its survivors
    oldest: I64  # created_at_s of the oldest entry each window reached


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

    def __init__(
        self, store: PostStore, *, timer: Callable[[], float] = time.perf_counter, first_window: int = FIRST_WINDOW
    ) -> None:
        self.store = store
        self.first_window = first_window
        self.timer = timer  # seconds, monotonic; the request time budget is measured with it

    def all_posts_slots(self, authors: Sequence[int], exclude: Sequence[int], viewer: int, *, now_s: int) -> ScanResult:
        """Originals (cap max_original) then secondaries (cap max_secondary, reply rule)."""
        cfg = self.store.config
        budget = _Budget(self.timer, cfg.request_timeout_ms, now_s - cfg.retention_s)
        with self.store.lock:
            scan, ais = self._prepare(authors, exclude, viewer, budget.cutoff_s)
            first = self._scan(ais, ORIGINAL, cfg.max_original_per_author, scan, False, budget)
            if first.timed_out:
                return first
            second = self._scan(ais, SECONDARY, cfg.max_secondary_per_author, scan, True, budget)
            return ScanResult(np.concatenate((first.slots, second.slots)), second.timed_out)

    def video_slots(self, authors: Sequence[int], exclude: Sequence[int], viewer: int, *, now_s: int) -> ScanResult:
        cfg = self.store.config
        budget = _Budget(self.timer, cfg.request_timeout_ms, now_s - cfg.retention_s)
        with self.store.lock:
            scan, ais = self._prepare(authors, exclude, viewer, budget.cutoff_s)
            return self._scan(ais, VIDEO, cfg.max_video_per_author, scan, False, budget)

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
        """`select_recent(all_posts_slots(...) or video_slots(...), max_results)` without scanning
        what cannot make the cut: every timeline starts with a small window; once `max_results`
        survivors are known, the creation time of the last of them is a threshold, and a timeline
        whose window already reached below it is finished. The rest get windows four times larger."""
        cfg = self.store.config
        budget = _Budget(self.timer, cfg.request_timeout_ms, now_s - cfg.retention_s)
        with self.store.lock:
            scan, ais = self._prepare(authors, exclude, viewer, budget.cutoff_s)
            tls, caps, reply = self._timelines(ais, video)
            window = np.minimum(self.store.timelines.length[tls], self.first_window)
            final: list[I64] = []
            timed_out = False
            while tls.size:
                if budget.spent():
                    timed_out = True
                    break
                result = self._pass(tls, window, caps, reply, scan)
                done = result.complete
                threshold = self._threshold([*final, result.slots], max_results)
                if threshold is not None:
                    done = done | (result.oldest < threshold)
                final.append(result.slots[done[result.group]])
                rest = ~done
                tls, caps, reply = tls[rest], caps[rest], reply[rest]
                window = np.minimum(self.store.timelines.length[tls], window[rest] * GROWTH)
            known = np.concatenate(final) if final else np.zeros(0, dtype=np.int64)
            return ScanResult(self.select_recent(known, max_results), timed_out)

    def _timelines(self, ais: I64, video: bool) -> tuple[I64, I64, Bools]:
        """The non-empty timelines a request scans, with their caps and whether the reply rule applies."""
        cfg = self.store.config
        if video:
            tls = ais * KINDS + VIDEO
            caps = np.full(tls.shape[0], cfg.max_video_per_author, dtype=np.int64)
            reply = np.zeros(tls.shape[0], dtype=np.bool_)
        else:
            tls = np.concatenate((ais * KINDS + ORIGINAL, ais * KINDS + SECONDARY))
            caps = np.repeat(np.array([cfg.max_original_per_author, cfg.max_secondary_per_author]), ais.shape[0])
            reply = np.repeat(np.array([False, True]), ais.shape[0])
        nonempty = self.store.timelines.length[tls] > 0
        return tls[nonempty], caps[nonempty], reply[nonempty]

    def _threshold(self, known: list[I64], max_results: int) -> int | None:
        """created_at_s of the `max_results`-th newest known survivor, if that many are known."""
        total = sum(k.shape[0] for k in known)
        if total < max_results:
            return None
        created = self.store.created[np.concatenate(known)]
        return int(np.partition(created, total - max_results)[total - max_results])

    def _prepare(
        self, authors: Sequence[int], exclude: Sequence[int], viewer: int, cutoff_s: int
    ) -> tuple[_ScanArgs, I64]:
        """Author indexes in request order (a repeated followee is scanned once: docs/decisions.md)."""
        requested = np.fromiter(dict.fromkeys(authors), dtype=np.uint64)
        found = self.store.author_index.get_many(requested)
        ais = found[found >= 0].astype(np.int64)
        excl = np.unique(np.asarray(exclude, dtype=np.uint64)) if len(exclude) else np.zeros(0, np.uint64)
        return _ScanArgs(excl, np.unique(requested), viewer, cutoff_s), ais

    def _scan(self, ais: I64, kind: int, cap: int, scan: _ScanArgs, reply: bool, budget: _Budget) -> ScanResult:
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
            caps = np.full(tls.shape[0], cap, dtype=np.int64)
            result = self._pass(tls, window, caps, np.full(tls.shape[0], reply), scan)
            final = result.complete[result.group]
            taken_groups.append(order[result.group[final]])
            taken_slots.append(result.slots[final])
            rest = ~result.complete
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

    def _pass(self, tls: I64, window: I64, caps: I64, reply: Bools, scan: _ScanArgs) -> _PassResult:
        """One window per timeline: the first `caps[i]` survivors of each, whether it is finished,
        and the creation time of the oldest entry the window reached."""
        store, pool = self.store, self.store.timelines
        max_scan = store.config.max_scan_per_author
        lengths = pool.length[tls]
        ends = np.cumsum(window)
        group_start = np.repeat(ends - window, window)  # where each entry's group begins
        position = np.arange(int(ends[-1]) if ends.size else 0) - group_start  # 0 = newest
        slots = pool.pool[np.repeat(pool.start[tls] + lengths - 1, window) - position].astype(np.int64)
        flags = store.flags[slots]
        created = store.created[slots]
        ok = ((flags & LIVE) != 0) & (created >= scan.cutoff_s)
        if scan.exclude.shape[0]:
            examined = ~_member(store.col_u64("post_id")[slots], scan.exclude)
            seen = np.cumsum(examined)
            seen_before = np.concatenate((np.zeros(1, dtype=np.int64), seen))[ends - window]
            ok &= examined & (seen - np.repeat(seen_before, window) <= max_scan)
            n_examined = seen[ends - 1] - seen_before
        else:  # nothing excluded: every entry is examined and its scan rank is its position
            if window.max(initial=0) > max_scan:
                ok &= position < max_scan
            n_examined = window
        reposts = np.flatnonzero(flags & RETWEET)
        if reposts.size:
            own = store.col_u64("source_user_id")[slots[reposts]] == np.uint64(scan.viewer)
            ok[reposts[own]] = False
        if reply.any():
            ok &= self._reply_rule(slots, np.repeat(reply, window), scan.followed)
        running = np.cumsum(ok)
        before = np.concatenate((np.zeros(1, dtype=np.int64), running))[ends - window]
        take = ok & (running - np.repeat(before, window) <= np.repeat(caps, window))
        n_ok = running[ends - 1] - before if ends.size else np.zeros(0, dtype=np.int64)
        complete = (n_ok >= caps) | (window >= lengths) | (n_examined >= max_scan)
        oldest = created[ends - 1] if created.size else np.zeros(0, dtype=np.int64)
        taken = np.flatnonzero(take)
        return _PassResult(slots[taken], np.searchsorted(ends, taken, side="right"), complete, oldest)

    def _reply_rule(self, slots: I64, applies: Bools, followed: U64) -> Bools:
        """SPEC §4.5 reply rule for the entries where `applies` (secondary timelines)."""
        store = self.store
        parent_ids = store.col_u64("in_reply_to_post_id")[slots]
        replies = np.flatnonzero(applies & (parent_ids != 0))
        passes = np.ones(slots.shape[0], dtype=np.bool_)
        if replies.size == 0:
            return passes
        child = slots[replies]
        wanted = parent_ids[replies]
        parent = store.cols["parent_ref"][child].astype(np.int64) - 1
        hint = np.maximum(parent, 0)
        stale = (parent < 0) | (store.col_u64("post_id")[hint] != wanted) | ((store.flags[hint] & LIVE) == 0)
        if stale.any():
            parent[stale] = store.ids.get_many(wanted[stale])
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
