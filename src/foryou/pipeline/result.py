"""PipelineResult: what one run of a candidate pipeline returns (SPEC §2.5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from foryou.pipeline.trace import RequestTrace

Q = TypeVar("Q")
C = TypeVar("C")


@dataclass
class Removed(Generic[C]):
    candidate: C
    stage: str
    filter: str
    reason: str


@dataclass
class PipelineResult(Generic[Q, C]):
    query: Q
    retrieved: list[C]
    filtered: list[Removed[C]]
    selected: list[C]
    trace: RequestTrace
    degraded_reasons: list[str] = field(default_factory=list)

    @property
    def degraded(self) -> bool:
        return bool(self.degraded_reasons)
