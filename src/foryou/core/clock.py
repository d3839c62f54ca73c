"""Clocks passed in explicitly so that time-dependent rules are testable."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol


class Clock(Protocol):
    def now_ms(self) -> int: ...


class SystemClock:
    """Wall-clock time in Unix milliseconds."""

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


@dataclass
class FixedClock:
    """A clock that only moves when told to; for tests and replays."""

    current_ms: int

    def now_ms(self) -> int:
        return self.current_ms

    def advance(self, delta_ms: int) -> None:
        self.current_ms += delta_ms
