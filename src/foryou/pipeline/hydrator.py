"""Hydrator: fills candidate fields it owns; returns a list of the same length and order, never drops."""

from __future__ import annotations

import copy
from abc import abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, Generic, overload

from foryou.pipeline.component import C, Component, Q


class Hydrator(Component[Q], Generic[Q, C]):
    """Must not mutate its input (hydrators run concurrently on one list): return new objects whose
    `owned_fields` are set, or `Columns`; the executor copies exactly those fields back."""

    owned_fields: tuple[str, ...] = ()

    @abstractmethod
    async def hydrate(self, query: Q, candidates: list[C]) -> Sequence[C]: ...

    def degraded_reason(self, hydrated: Sequence[C]) -> str | None:
        """A reason to mark the response degraded although hydration returned (e.g. partial outage)."""
        return None


class Columns(Sequence[C]):
    """A result given as one value list per owned field, aligned with the candidates received.

    The executor copies the columns straight onto the candidates, so a hydrator of thousands of
    candidates builds no object per candidate. Indexing still yields a candidate: a copy of the
    received one with that row's fields set (for tests and readers that want objects)."""

    __slots__ = ("candidates", "columns")

    def __init__(self, candidates: Sequence[C], columns: Mapping[str, Sequence[Any]]) -> None:
        for name, column in columns.items():
            if len(column) != len(candidates):
                raise ValueError(f"column {name} has {len(column)} values for {len(candidates)} candidates")
        self.candidates = candidates
        self.columns = dict(columns)

    @classmethod
    def from_rows(cls, candidates: Sequence[C], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> Columns[C]:
        """Rows of values in `fields` order, one row per candidate."""
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in fields]
        return cls(candidates, dict(zip(fields, columns, strict=True)))

    def __len__(self) -> int:
        return len(self.candidates)

    @overload
    def __getitem__(self, index: int) -> C: ...

    @overload
    def __getitem__(self, index: slice) -> list[C]: ...

    def __getitem__(self, index: int | slice) -> C | list[C]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        row = copy.copy(self.candidates[index])
        for name, column in self.columns.items():
            setattr(row, name, column[index])
        return row
