"""A clock that continues from the end of a replayed world, so its posts are as fresh as when it ended."""

from __future__ import annotations

import time


class ShiftedClock:
    """now = `anchor_ms` + wall time elapsed since construction."""

    def __init__(self, anchor_ms: int) -> None:
        self.anchor_ms = anchor_ms
        self._start_ns = time.monotonic_ns()

    def now_ms(self) -> int:
        return self.anchor_ms + (time.monotonic_ns() - self._start_ns) // 1_000_000
