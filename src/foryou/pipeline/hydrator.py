"""Hydrator: fills candidate fields it owns; returns a list of the same length and order, never drops."""

from __future__ import annotations

from abc import abstractmethod
from typing import Generic

from foryou.pipeline.component import C, Component, Q


class Hydrator(Component[Q], Generic[Q, C]):
    """Must not mutate its input (hydrators run concurrently on one list): return new objects whose
    `owned_fields` are set; the executor copies exactly those fields back."""

    owned_fields: tuple[str, ...] = ()

    @abstractmethod
    async def hydrate(self, query: Q, candidates: list[C]) -> list[C]: ...

    def degraded_reason(self, hydrated: list[C]) -> str | None:
        """A reason to mark the response degraded although hydration returned (e.g. partial outage)."""
        return None
