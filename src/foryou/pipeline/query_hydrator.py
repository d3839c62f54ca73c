"""QueryHydrator: fetches request-wide data (user action sequence, user features, served history)."""

from __future__ import annotations

import dataclasses
from abc import abstractmethod
from typing import Any

from foryou.pipeline.component import Component, Q


class QueryHydrator(Component[Q]):
    """`hydrate` returns a query whose `owned_fields` are filled; the executor copies only those."""

    owned_fields: tuple[str, ...] = ()

    @abstractmethod
    async def hydrate(self, query: Q) -> Q: ...

    def degraded_reason(self, hydrated: Q) -> str | None:
        """A reason to mark the response degraded although hydration succeeded (e.g. a stale copy)."""
        return None

    def update(self, query: Q, hydrated: Q) -> Q:
        changes: dict[str, Any] = {f: getattr(hydrated, f) for f in self.owned_fields}
        return dataclasses.replace(query, **changes)  # type: ignore[type-var]
