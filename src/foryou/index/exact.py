"""ExactIndex: brute-force inner product over every live row, then top-k (the default backend)."""

from __future__ import annotations

import numpy as np
import torch

from foryou.core.errors import InvalidInputError
from foryou.index.base import F32, U64, SearchResult
from foryou.index.table import VectorTable


class ExactIndex:
    name = "exact"

    def __init__(self, dim: int, table: VectorTable | None = None) -> None:
        self.dim = dim
        self.table = table or VectorTable(dim)

    def __len__(self) -> int:
        return len(self.table)

    def add(self, ids: U64, vectors: F32) -> None:
        self.table.add(ids, vectors)

    def remove(self, ids: U64 | list[int]) -> int:
        return self.table.remove(ids)

    def search(self, queries: F32, k: int) -> SearchResult:
        queries = check_queries(queries, self.dim)
        vecs, ids, valid = self.table.view()
        b = len(queries)
        if k <= 0:
            return SearchResult(np.zeros((b, 0), np.uint64), np.zeros((b, 0), np.float32))
        scores = torch.from_numpy(queries @ vecs.T)  # [B, N]
        if not valid.all():
            scores.masked_fill_(torch.from_numpy(~valid)[None, :], float("-inf"))
        take = min(k, len(ids))
        top_scores, top_rows = torch.topk(scores, take, dim=1)  # [B, take]
        out_ids = np.zeros((b, k), dtype=np.uint64)
        out_scores = np.full((b, k), -np.inf, dtype=np.float32)
        rows = top_rows.numpy()
        found = np.isfinite(top_scores.numpy())
        out_ids[:, :take] = np.where(found, ids[rows], 0)
        out_scores[:, :take] = top_scores.numpy()
        return SearchResult(out_ids, out_scores)

    def save(self, directory: object) -> None:
        from foryou.index.snapshot import save_table

        save_table(self.table, directory, backend=self.name)


def check_queries(queries: F32, dim: int) -> F32:
    q = np.asarray(queries, dtype=np.float32)
    if q.ndim == 1:
        q = q[None, :]
    if q.ndim != 2 or q.shape[1] != dim:
        raise InvalidInputError(f"queries must be [B, {dim}], got {list(q.shape)}")
    return np.ascontiguousarray(q)
