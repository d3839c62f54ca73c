"""VectorTable: a growable, compacting store of (post id → unit vector) rows for the retrieval index.

Rows are appended; removal only clears the row's valid flag (O(1), safe while searches run) and the
table compacts itself once a quarter of its rows are dead. On request (the exact index's bounded scan)
it also keeps an int8 copy of every row in step, built once and then updated with each add.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from foryou.core.errors import InvalidInputError
from foryou.index.quantized import Int8Codes

F32 = npt.NDArray[np.float32]
U64 = npt.NDArray[np.uint64]

_MIN_CAPACITY = 1024
_COMPACT_DEAD_FRACTION = 0.25


class VectorTable:
    def __init__(self, dim: int, capacity: int = _MIN_CAPACITY) -> None:
        if dim <= 0:
            raise InvalidInputError(f"dim must be positive, got {dim}")
        self.dim = dim
        self._vecs: F32 = np.zeros((max(capacity, _MIN_CAPACITY), dim), dtype=np.float32)
        self._ids: U64 = np.zeros(len(self._vecs), dtype=np.uint64)
        self._valid = np.zeros(len(self._vecs), dtype=bool)
        self._rows: dict[int, int] = {}
        self._size = 0  # rows in use, dead ones included
        self._int8: Int8Codes | None = None
        self.norm_max = 0.0  # largest ‖row‖ ever added: bounds the rounding error of any score

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, post_id: int) -> bool:
        return post_id in self._rows

    def add(self, ids: U64, vecs: F32) -> None:
        """Insert or replace rows. Ids must be non-zero; vectors [N, dim]."""
        ids = np.asarray(ids, dtype=np.uint64)
        vecs = np.asarray(vecs, dtype=np.float32)
        if vecs.ndim != 2 or vecs.shape != (len(ids), self.dim):
            raise InvalidInputError(f"vectors must be [{len(ids)}, {self.dim}], got {list(vecs.shape)}")
        if np.any(ids == 0):
            raise InvalidInputError("post id 0 cannot be indexed")
        if not np.isfinite(vecs).all():
            raise InvalidInputError("vectors must be finite")
        self.remove(ids)
        if len(vecs):
            squares = np.einsum("ij,ij->i", vecs, vecs, dtype=np.float64)
            self.norm_max = max(self.norm_max, float(np.sqrt(squares.max())) * (1 + 1e-12))
        self._reserve(self._size + len(ids))
        rows = np.arange(self._size, self._size + len(ids))
        self._vecs[rows] = vecs
        self._ids[rows] = ids
        self._valid[rows] = True
        if self._int8 is not None:
            self._int8.write(self._size, vecs)
        for post_id, row in zip(ids.tolist(), rows.tolist(), strict=True):
            self._rows[post_id] = row
        self._size += len(ids)

    def remove(self, ids: U64 | list[int]) -> int:
        """Drop the given ids; unknown ids are ignored. Returns how many were removed."""
        removed = 0
        for post_id in np.asarray(ids, dtype=np.uint64).tolist():
            row = self._rows.pop(post_id, None)
            if row is not None:
                self._valid[row] = False
                removed += 1
        if self._size and (self._size - len(self._rows)) > _COMPACT_DEAD_FRACTION * self._size:
            self.compact()
        return removed

    def compact(self) -> None:
        live = np.flatnonzero(self._valid[: self._size])
        n = len(live)
        self._vecs[:n] = self._vecs[live]
        self._ids[:n] = self._ids[live]
        self._valid[:n] = True
        self._valid[n:] = False
        if self._int8 is not None:
            self._int8.move(live)
        self._size = n
        self._rows = {post_id: row for row, post_id in enumerate(self._ids[:n].tolist())}

    def view(self) -> tuple[F32, U64, npt.NDArray[np.bool_]]:
        """(vectors, ids, valid) of the used rows; views, not copies."""
        n = self._size
        return self._vecs[:n], self._ids[:n], self._valid[:n]

    @property
    def dead_rows(self) -> int:
        return self._size - len(self._rows)

    def int8(self) -> Int8Codes:
        """The int8 copy of the rows (row numbers as in `view`), built on first use and kept current after."""
        if self._int8 is None:
            codes = Int8Codes(len(self._vecs), self.dim)
            codes.write(0, self._vecs[: self._size])
            self._int8 = codes
        return self._int8

    def nbytes(self) -> int:
        """Memory held by the row arrays (capacity, not just used rows), the id map excluded."""
        arrays = self._vecs.nbytes + self._ids.nbytes + self._valid.nbytes
        return int(arrays + (self._int8.nbytes if self._int8 is not None else 0))

    def live(self) -> tuple[U64, F32]:
        """(ids, vectors) of the live rows, copies, in row order."""
        vecs, ids, valid = self.view()
        return ids[valid].copy(), vecs[valid].copy()

    def _reserve(self, needed: int) -> None:
        if needed <= len(self._vecs):
            return
        capacity = max(needed, 2 * len(self._vecs))
        vecs = np.zeros((capacity, self.dim), dtype=np.float32)
        vecs[: self._size] = self._vecs[: self._size]
        ids = np.zeros(capacity, dtype=np.uint64)
        ids[: self._size] = self._ids[: self._size]
        valid = np.zeros(capacity, dtype=bool)
        valid[: self._size] = self._valid[: self._size]
        self._vecs, self._ids, self._valid = vecs, ids, valid
        if self._int8 is not None:
            self._int8.grow(capacity, self._size)
