"""Source: produces candidates (in-network from Thunder, out-of-network from retrieval)."""

from __future__ import annotations

from abc import abstractmethod
from typing import Generic

from foryou.pipeline.component import C, Component, Q


class Source(Component[Q], Generic[Q, C]):
    @abstractmethod
    async def get_candidates(self, query: Q) -> list[C]: ...
