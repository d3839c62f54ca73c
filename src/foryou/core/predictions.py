"""Per-candidate predictions as read-only views into one table.

A ranking request answers thousands of candidates × 19 values. Building a dict per candidate cost more
than a millisecond per thousand, and the weighted scorer then copied every value back into an array.
A `PredictionRow` is a `Mapping[str, float]` like that dict (same keys, same Python floats, equal to
it), but it only points into the batch's `[N, K]` float64 table, so consumers that see rows of one
table can take the columns directly (`rows_of_one_table`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


class PredictionColumns:
    """The key of each column of a prediction table, and the column of each key."""

    __slots__ = ("index", "keys")

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = tuple(keys)
        self.index = {k: i for i, k in enumerate(self.keys)}
        if len(self.index) != len(self.keys):
            raise ValueError(f"duplicate prediction keys: {self.keys}")


class PredictionRow(Mapping[str, float]):
    __slots__ = ("columns", "row", "table")

    def __init__(self, table: F64, row: int, columns: PredictionColumns) -> None:
        self.table, self.row, self.columns = table, row, columns

    def __getitem__(self, key: str) -> float:
        return float(self.table[self.row, self.columns.index[key]])

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns.keys)

    def __len__(self) -> int:
        return len(self.columns.keys)

    def __repr__(self) -> str:
        return f"PredictionRow({dict(self)!r})"


def prediction_rows(table: F64, columns: PredictionColumns) -> list[PredictionRow]:
    """One row view per line of `table` [N, K]."""
    if table.ndim != 2 or table.shape[1] != len(columns.keys):
        raise ValueError(f"prediction table of shape {table.shape} for {len(columns.keys)} keys")
    return [PredictionRow(table, i, columns) for i in range(table.shape[0])]


def rows_of_one_table(scores: Sequence[object], keys: Sequence[str]) -> F64 | None:
    """The `[len(scores), len(keys)]` values of `scores` when every one is a row of the same table with
    all `keys`; None otherwise (the caller then reads them one by one)."""
    if not scores:
        return None
    first = scores[0]
    if not isinstance(first, PredictionRow):
        return None
    table, columns = first.table, first.columns
    try:
        cols = [columns.index[k] for k in keys]
    except KeyError:
        return None
    rows = np.empty(len(scores), dtype=np.intp)
    for i, s in enumerate(scores):
        if not isinstance(s, PredictionRow) or s.table is not table:
            return None
        rows[i] = s.row
    return table[rows][:, np.array(cols, dtype=np.intp)]


def as_plain(scores: Mapping[str, float] | None) -> dict[str, float] | None:
    """A plain dict (for JSON and other boundaries that want one)."""
    return None if scores is None else dict(scores)
