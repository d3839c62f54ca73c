"""ExactIndex: the exact inner-product top-k over every live row (the default backend).

A single query over a large table is bound by memory bandwidth, so it scans the table's int8 copy
(a quarter of the bytes) instead of the float32 rows: the int8 score plus/minus an error bound (see
`quantized`) brackets the true score, the k-th best lower bound is a threshold no true top-k row can
fall below, and only rows whose upper bound reaches it are rescored exactly. The result is the
float32 top-k, not an approximation. Small tables and query batches (where a float32 matrix product
is compute-bound anyway) take the float32 product directly. Ties go to the lower row (SPEC §5.5).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import torch

from foryou.core.errors import InvalidInputError
from foryou.index.base import F32, U64, SearchResult
from foryou.index.quantized import encode_query
from foryou.index.table import VectorTable

_INT8_MIN_ROWS = 65_536  # below this the float32 rows fit in cache and a direct product is as fast
_INT8_MAX_BATCH = 4  # larger batches share one float32 read of the table instead
_THRESHOLD_CHUNKS_PER_K = 8  # see `_threshold`

Rows = npt.NDArray[np.intp]
Bools = npt.NDArray[np.bool_]


class ExactIndex:
    name = "exact"

    def __init__(self, dim: int, table: VectorTable | None = None, *, int8_min_rows: int = _INT8_MIN_ROWS) -> None:
        self.dim = dim
        self.table = table if table is not None else VectorTable(dim)  # an empty table is falsy
        self.int8_min_rows = int8_min_rows
        self._prepare()

    def __len__(self) -> int:
        return len(self.table)

    def add(self, ids: U64, vectors: F32) -> None:
        self.table.add(ids, vectors)
        self._prepare()

    def _prepare(self) -> None:
        """Build the int8 copy once the table is large enough, so no search pays for it; the table keeps it current."""
        if len(self.table) >= self.int8_min_rows:
            self.table.int8()

    def remove(self, ids: U64 | list[int]) -> int:
        return self.table.remove(ids)

    def search(self, queries: F32, k: int) -> SearchResult:
        queries = check_queries(queries, self.dim)
        vecs, ids, valid = self.table.view()
        b = len(queries)
        out_ids = np.zeros((b, max(k, 0)), dtype=np.uint64)
        out_scores = np.full((b, max(k, 0)), -np.inf, dtype=np.float32)
        if k <= 0 or len(self.table) == 0:
            return SearchResult(out_ids, out_scores)
        dead = np.logical_not(valid) if self.table.dead_rows else None
        if len(vecs) >= self.int8_min_rows and b <= _INT8_MAX_BATCH:
            found = [self._search_int8(q, k, vecs, dead) for q in queries]
        else:
            found = self._search_float32(queries, k, vecs, dead)
        for i, (rows, row_scores) in enumerate(found):
            out_ids[i, : len(rows)] = ids[rows]
            out_scores[i, : len(rows)] = row_scores
        return SearchResult(out_ids, out_scores)

    def _search_float32(self, queries: F32, k: int, vecs: F32, dead: Bools | None) -> list[tuple[Rows, F32]]:
        # torch's product, not numpy's: numpy's OpenBLAS wakes a worker that then spins on a core for a
        # long while after every call, which a serving process cannot spare (decision 87)
        scores = torch.from_numpy(queries).matmul(torch.from_numpy(vecs).T).numpy()  # [B, N]
        if dead is not None:
            scores[:, dead] = -np.inf
        last = len(vecs) - min(k, len(self.table))  # position of the k-th best (or the worst live row)
        found = []
        for q, row in zip(queries, scores, strict=True):
            kth = float(np.partition(row, last)[last])
            # The product's rounding may order near-ties differently from `_rank`'s scores: keep them all.
            margin = 2 * _rounding(self.dim, float(np.linalg.norm(q)), self.table.norm_max)
            found.append(_rank(vecs, np.flatnonzero(row >= kth - margin), q, k))
        return found

    def _search_int8(self, q: F32, k: int, vecs: F32, dead: Bools | None) -> tuple[Rows, F32]:
        codes = self.table.int8()
        n = len(vecs)
        q_codes, q_scale, q_err = encode_query(q)
        q_norm = float(np.linalg.norm(q.astype(np.float64)))
        # The one parallel step (it is the memory-bound one); the rest stays single-threaded numpy, which
        # on a busy 2-core machine beats parallel regions that each wait for a descheduled worker.
        acc = torch._int_mm(torch.from_numpy(q_codes)[None, :], torch.from_numpy(codes.codes[:n]).T)[0].numpy()
        approx = np.multiply(acc, codes.scales[:n], dtype=np.float32)  # [N] q̂·x̂ / s_q
        if dead is not None:
            np.copyto(approx, np.float32(-np.inf), where=dead)
        # |q·x − q̂·x̂| ≤ ‖q‖·e_x + ‖q − q̂‖·‖x̂‖ + rounding ≤ slack, one bound for every row: a row's true
        # score is at least its approx − slack (so the k-th of those is a threshold) and at most approx + slack.
        slack = q_norm * codes.err_max + q_err * codes.norm_max + _rounding(self.dim, q_norm + q_err, codes.norm_max)
        rows = np.flatnonzero(approx >= _threshold(approx, k) - 2 * slack / q_scale)
        if dead is not None:  # dead rows are −inf, but a −inf threshold (fewer than k live rows) lets them in
            rows = rows[~dead[rows]]
        return _rank(vecs, rows, q, k)

    def save(self, directory: object) -> None:
        from foryou.index.snapshot import save_table

        save_table(self.table, directory, backend=self.name)


def _threshold(values: F32, k: int) -> float:
    """A value ≤ the k-th largest of `values` (−inf when there are fewer than k).

    The k-th largest of the maxima of k or more disjoint chunks is one: k chunks reach it, each
    through a different row. With 8k chunks it is nearly the k-th largest itself, at the price of
    one pass and a selection over 8k values instead of over all rows.
    """
    if len(values) < k:
        return float("-inf")
    size = len(values) // (_THRESHOLD_CHUNKS_PER_K * k)
    if size > 1:
        values = values[: size * (len(values) // size)].reshape(-1, size).max(axis=1)
    return float(np.partition(values, len(values) - k)[len(values) - k])


def _rounding(dim: int, q_norm: float, x_norm: float) -> float:
    """A bound on float32 rounding in a score and its bounds: (4d + 16)·2⁻²⁴·‖q‖·‖x‖ (a dot product is ≤ d·2⁻²⁴)."""
    return (4 * dim + 16) * 2.0**-24 * q_norm * x_norm


def _rank(vecs: F32, rows: Rows, q: F32, k: int) -> tuple[Rows, F32]:
    """The best k of ascending candidate `rows`, best first, ties to the lower row.

    Scores are accumulated in float64 and rounded once to float32, so a row's score does not depend on
    which other rows are candidates (duplicates tie exactly) or on the path that found it.
    """
    scores = np.einsum("ij,j->i", vecs[rows].astype(np.float64), q.astype(np.float64)).astype(np.float32)
    order = np.argsort(-scores, kind="stable")[:k]
    return rows[order], scores[order]


def check_queries(queries: F32, dim: int) -> F32:
    q = np.asarray(queries, dtype=np.float32)
    if q.ndim == 1:
        q = q[None, :]
    if q.ndim != 2 or q.shape[1] != dim:
        raise InvalidInputError(f"queries must be [B, {dim}], got {list(q.shape)}")
    if not np.isfinite(q).all():
        raise InvalidInputError("queries must be finite")
    return np.ascontiguousarray(q)
