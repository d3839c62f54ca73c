"""What every pipeline component has: a stable `name` and `enable(query)`.

Stage contracts subclass `Component` explicitly so they inherit these defaults; a component overrides
`enable` to switch itself off per request and may set `timeout_ms` to override its stage default.
"""

from __future__ import annotations

from typing import Generic, TypeVar

Q = TypeVar("Q")
C = TypeVar("C")


class Component(Generic[Q]):
    """Base of all stage kinds. `name` defaults to the class name; it labels logs, metrics and traces."""

    timeout_ms: int | None = None

    @property
    def name(self) -> str:
        return type(self).__name__

    def enable(self, query: Q) -> bool:
        return True
