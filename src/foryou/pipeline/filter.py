"""Filter: splits candidates into kept and removed (each removal with a reason code)."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass, field
from typing import Generic

from foryou.pipeline.component import C, Component, Q


@dataclass
class FilterResult(Generic[C]):
    """`kept` + `removed` must be exactly the input; `removed` pairs each candidate with a reason code."""

    kept: list[C]
    removed: list[tuple[C, str]] = field(default_factory=list)


class Filter(Component[Q], Generic[Q, C]):
    """Synchronous; the executor runs it off the event loop so its timeout is enforceable."""

    @abstractmethod
    def filter(self, query: Q, candidates: list[C]) -> FilterResult[C]: ...
