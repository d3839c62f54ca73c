"""The retrieval-index contract shared by the exact and approximate backends."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
U64 = npt.NDArray[np.uint64]


@dataclass(frozen=True)
class SearchResult:
    """Per query, the k best rows, best first: ids (0 = no row) and inner-product scores (-inf pads)."""

    ids: U64  # [B, k]
    scores: F32  # [B, k]


class VectorIndex(Protocol):
    name: str
    dim: int

    def __len__(self) -> int: ...

    def add(self, ids: U64, vectors: F32) -> None: ...

    def remove(self, ids: U64 | list[int]) -> int: ...

    def search(self, queries: F32, k: int) -> SearchResult: ...

    def save(self, directory: Path) -> None: ...
