"""SideEffect: runs after the response is ready (e.g. storing served ids); its result is ignored."""

from __future__ import annotations

from abc import abstractmethod
from typing import Generic

from foryou.pipeline.component import C, Component, Q


class SideEffect(Component[Q], Generic[Q, C]):
    @abstractmethod
    async def run(self, query: Q, selected: list[C]) -> None: ...
