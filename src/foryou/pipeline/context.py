"""Request-scoped state shared by the executor and scorers: id, deadline, degraded reasons and the
scorers' prefetch tasks."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RequestContext:
    request_id: str
    deadline_ns: int  # time.perf_counter_ns() value after which no component may start work
    degraded_reasons: list[str] = field(default_factory=list)
    dry_run: bool = False
    prefetched: dict[str, asyncio.Task[Any]] = field(default_factory=dict)  # by scorer name

    def mark_degraded(self, reason: str) -> None:
        if reason not in self.degraded_reasons:
            self.degraded_reasons.append(reason)

    @property
    def degraded(self) -> bool:
        return bool(self.degraded_reasons)

    def remaining_s(self) -> float:
        return max(0.0, (self.deadline_ns - time.perf_counter_ns()) / 1e9)
