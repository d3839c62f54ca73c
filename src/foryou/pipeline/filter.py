"""Filter: splits candidates into kept and removed (each removal with a reason code)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic

from foryou.pipeline.component import C, Component, Q


@dataclass
class FilterResult(Generic[C]):
    """`kept` + `removed` must be exactly the input; `removed` pairs each candidate with a reason code."""

    kept: list[C]
    removed: list[tuple[C, str]] = field(default_factory=list)
    # The list `partition` split into this result. Such a result is a partition of that list by
    # construction, so the executor skips its check (two id sets per filter, which cost as much as a
    # simple filter over ~2 000 candidates).
    _split_of: list[C] | None = field(default=None, init=False, repr=False, compare=False)

    def made_by_partition_of(self, received: list[C]) -> bool:
        return self._split_of is received


def partition(candidates: list[C], reason: Callable[[C], str | None]) -> FilterResult[C]:
    """Ask each candidate for a reason code and keep it if there is none. Kept candidates stay in input
    order; removed ones follow in input order with their reason."""
    kept: list[C] = []
    removed: list[tuple[C, str]] = []
    for cand in candidates:
        code = reason(cand)
        if code is None:
            kept.append(cand)
        else:
            removed.append((cand, code))
    if not removed:
        return FilterResult(candidates)  # the executor skips its check for an untouched list
    result = FilterResult(kept, removed)
    result._split_of = candidates
    return result


class Filter(Component[Q], Generic[Q, C]):
    """Synchronous; the executor runs it off the event loop so its timeout is enforceable."""

    @abstractmethod
    def filter(self, query: Q, candidates: list[C]) -> FilterResult[C]: ...
