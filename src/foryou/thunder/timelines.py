"""Per-author timelines packed into one shared int32 array of slots (a bump allocator with repacking).

Timeline t owns `pool[start[t] : start[t] + cap[t]]` and uses the first `length[t]` entries, sorted
ascending by (created_at_s, post_id) of the slot they point at. One array instead of one object per
timeline keeps a timeline at 4 bytes per entry and lets a query gather the newest entries of a
thousand authors with a few vectorised operations.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]


def ranges(starts: I64, lengths: I64) -> I64:
    """Concatenated `arange(s, s + n)` for every (s, n), vectorised."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(total, dtype=np.int64)


class TimelinePool:
    """Storage of many growable, front-trimmable int32 sequences."""

    __slots__ = ("cap", "garbage", "length", "pool", "start", "top")

    def __init__(self, timelines: int = 0, entries: int = 1024) -> None:
        self.pool = np.zeros(max(entries, 16), dtype=np.int32)
        self.top = 0
        self.garbage = 0
        self.start = np.zeros(timelines, dtype=np.int64)
        self.length = np.zeros(timelines, dtype=np.int64)
        self.cap = np.zeros(timelines, dtype=np.int64)

    @property
    def nbytes(self) -> int:
        return int(self.pool.nbytes + self.start.nbytes + self.length.nbytes + self.cap.nbytes)

    def ensure_timelines(self, count: int) -> None:
        if count <= self.start.shape[0]:
            return
        new = max(count, self.start.shape[0] * 3 // 2 + 16)
        for name in ("start", "length", "cap"):
            old = getattr(self, name)
            grown = np.zeros(new, dtype=np.int64)
            grown[: old.shape[0]] = old
            setattr(self, name, grown)

    def entries(self, tl: int) -> I32:
        s = int(self.start[tl])
        return self.pool[s : s + int(self.length[tl])]

    def reserve(self, tls: I64, needed: I64) -> None:
        """Make room for `needed[i]` entries in timeline `tls[i]` (moving it to the end of the pool)."""
        grow = needed > self.cap[tls]
        if not grow.any():
            return
        if self.top + int(_grown_caps(needed[grow]).sum()) > self.pool.shape[0]:
            # Repacking shrinks every capacity, so decide what must move only afterwards.
            self.repack(reserve=int(_grown_caps(needed).sum()))
            grow = needed > self.cap[tls]
        tls, new_caps = tls[grow], _grown_caps(needed[grow])
        lengths = self.length[tls]
        src = ranges(self.start[tls], lengths)
        dst_starts = self.top + np.cumsum(new_caps) - new_caps
        dst = ranges(dst_starts, lengths)
        self.pool[dst] = self.pool[src]
        self.garbage += int(self.cap[tls].sum())
        self.start[tls] = dst_starts
        self.cap[tls] = new_caps
        self.top += int(new_caps.sum())

    def repack(self, *, reserve: int = 0, slot_map: I32 | None = None) -> None:
        """Lay every timeline out afresh (dropping garbage); optionally renumber slots through
        `slot_map`, dropping entries that map to −1. Leaves room for `reserve` more entries."""
        tls = np.flatnonzero(self.length > 0)
        lengths = self.length[tls]
        values = self.pool[ranges(self.start[tls], lengths)]
        if slot_map is not None:
            mapped = slot_map[values]
            keep = mapped >= 0
            group = np.repeat(np.arange(tls.shape[0]), lengths)
            lengths = np.bincount(group[keep], minlength=tls.shape[0]).astype(np.int64)
            values = mapped[keep].astype(np.int32)
        caps = np.where(lengths > 0, np.maximum(lengths + lengths // 4, 4), 0)
        used = int(caps.sum())
        size = max(16, int((used + reserve) * 1.25))
        pool = np.zeros(size, dtype=np.int32)
        starts = np.cumsum(caps) - caps
        pool[ranges(starts, lengths)] = values
        self.start[:] = 0
        self.length[:] = 0
        self.cap[:] = 0
        self.start[tls] = starts
        self.length[tls] = lengths
        self.cap[tls] = caps
        self.pool = pool
        self.top = used
        self.garbage = 0

    def release(self, tls: I64) -> None:
        """Forget timelines entirely (their space becomes garbage)."""
        self.garbage += int(self.cap[tls].sum())
        self.start[tls] = 0
        self.length[tls] = 0
        self.cap[tls] = 0


def _grown_caps(needed: I64) -> I64:
    """Capacity given to a timeline that must hold `needed`: half again, so appends amortise."""
    caps: I64 = np.maximum(needed + needed // 2, 4)
    return caps
