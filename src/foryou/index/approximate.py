"""Approximate backends over FAISS: IVF (inverted lists) and HNSW (graph), with live updates.

The `VectorTable` stays the source of truth (snapshots, rebuilds); FAISS holds a search structure
over it. IVF removes rows in place; HNSW cannot, so removed ids are filtered out of an over-fetched
result and the graph is rebuilt once a tenth of it is dead. Until there are enough rows to train
IVF's coarse quantizer, searches fall back to exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from foryou.index.base import F32, U64, SearchResult
from foryou.index.exact import ExactIndex, check_queries
from foryou.index.table import VectorTable

_TRAIN_POINTS_PER_LIST = 39  # FAISS's own minimum for a well-trained k-means
_HNSW_REBUILD_DEAD_FRACTION = 0.1
_NO_INT8 = 2**62  # row count at which the fallback would build the exact scan's int8 copy: never


def _faiss() -> Any:
    try:
        import faiss
    except ImportError as exc:  # heavy optional dependency
        raise ImportError("the hnsw / ivf indexes need the 'ann' extra: pip install 'foryou[ann]'") from exc
    return faiss


def _as_faiss_ids(ids: U64) -> Any:
    return np.asarray(ids, dtype=np.uint64).view(np.int64)


def _from_faiss(labels: Any, scores: Any, k: int) -> SearchResult:
    ids = np.asarray(labels).astype(np.int64).view(np.uint64).copy()
    missing = np.asarray(labels) < 0
    ids[missing] = 0
    out = np.asarray(scores, dtype=np.float32).copy()
    out[missing] = -np.inf
    return SearchResult(ids[:, :k], out[:, :k])


class IVFIndex:
    name = "ivf"

    def __init__(self, dim: int, *, nlist: int, nprobe: int, table: VectorTable | None = None) -> None:
        self.dim, self.nlist, self.nprobe = dim, nlist, nprobe
        self.table = table if table is not None else VectorTable(dim)  # an empty table is falsy
        self._exact = ExactIndex(dim, self.table, int8_min_rows=_NO_INT8)  # only serves untrained, small tables
        self._ivf: Any = None
        if len(self.table) >= self.train_size:
            self.rebuild()

    @property
    def train_size(self) -> int:
        return self.nlist * _TRAIN_POINTS_PER_LIST

    def __len__(self) -> int:
        return len(self.table)

    def rebuild(self) -> None:
        """(Re)train the coarse quantizer on the live rows and re-add them all."""
        faiss = _faiss()
        ids, vecs = self.table.live()
        quantizer = faiss.IndexFlatIP(self.dim)
        ivf = faiss.IndexIVFFlat(quantizer, self.dim, self.nlist, faiss.METRIC_INNER_PRODUCT)
        ivf.train(vecs)
        ivf.add_with_ids(vecs, _as_faiss_ids(ids))
        ivf.nprobe = self.nprobe
        self._ivf = ivf

    def add(self, ids: U64, vectors: F32) -> None:
        ids = np.asarray(ids, dtype=np.uint64)
        if self._ivf is not None:
            self._ivf.remove_ids(_as_faiss_ids(ids))  # replacing a row
        self.table.add(ids, vectors)
        if self._ivf is not None:
            self._ivf.add_with_ids(np.asarray(vectors, dtype=np.float32), _as_faiss_ids(ids))
        elif len(self.table) >= self.train_size:
            self.rebuild()

    def remove(self, ids: U64 | list[int]) -> int:
        array = np.asarray(ids, dtype=np.uint64)
        if self._ivf is not None:
            self._ivf.remove_ids(_as_faiss_ids(array))
        return self.table.remove(array)

    def search(self, queries: F32, k: int) -> SearchResult:
        if self._ivf is None:
            return self._exact.search(queries, k)
        q = check_queries(queries, self.dim)
        scores, labels = self._ivf.search(q, k)
        return _from_faiss(labels, scores, k)

    def save(self, directory: object) -> None:
        from foryou.index.snapshot import save_table

        save_table(self.table, directory, backend=self.name, extra={"nlist": self.nlist, "nprobe": self.nprobe})


class HNSWIndex:
    name = "hnsw"

    def __init__(self, dim: int, *, m: int, ef_search: int, table: VectorTable | None = None) -> None:
        self.dim, self.m, self.ef_search = dim, m, ef_search
        self.table = table if table is not None else VectorTable(dim)  # an empty table is falsy
        self._dead: set[int] = set()
        self.rebuild()

    def __len__(self) -> int:
        return len(self.table)

    def rebuild(self) -> None:
        faiss = _faiss()
        ids, vecs = self.table.live()
        graph = faiss.IndexHNSWFlat(self.dim, self.m, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efConstruction = max(40, 2 * self.m)
        index = faiss.IndexIDMap2(graph)
        if len(ids):
            index.add_with_ids(vecs, _as_faiss_ids(ids))
        self._index, self._graph, self._size = index, graph, len(ids)
        self._dead = set()

    def add(self, ids: U64, vectors: F32) -> None:
        ids = np.asarray(ids, dtype=np.uint64)
        replaced = [i for i in ids.tolist() if i in self.table]
        self.table.add(ids, vectors)
        if replaced:  # the graph still holds the old vectors of these ids
            self.rebuild()
            return
        self._dead.difference_update(ids.tolist())
        self._index.add_with_ids(np.asarray(vectors, dtype=np.float32), _as_faiss_ids(ids))
        self._size += len(ids)

    def remove(self, ids: U64 | list[int]) -> int:
        array = np.asarray(ids, dtype=np.uint64)
        removed = self.table.remove(array)
        self._dead.update(i for i in array.tolist())
        if len(self._dead) > _HNSW_REBUILD_DEAD_FRACTION * max(self._size, 1):
            self.rebuild()
        return removed

    def search(self, queries: F32, k: int) -> SearchResult:
        q = check_queries(queries, self.dim)
        fetch = k + len(self._dead)
        self._graph.hnsw.efSearch = max(self.ef_search, fetch)
        scores, labels = self._index.search(q, fetch)
        if not self._dead:
            return _from_faiss(labels, scores, k)
        dead = np.fromiter(self._dead, dtype=np.uint64).view(np.int64)
        keep = ~np.isin(labels, dead)
        out_labels = np.full((len(q), k), -1, dtype=np.int64)
        out_scores = np.full((len(q), k), -np.inf, dtype=np.float32)
        for row in range(len(q)):
            kept_labels = labels[row][keep[row]][:k]
            out_labels[row, : len(kept_labels)] = kept_labels
            out_scores[row, : len(kept_labels)] = scores[row][keep[row]][:k]
        return _from_faiss(out_labels, out_scores, k)

    def save(self, directory: object) -> None:
        from foryou.index.snapshot import save_table

        save_table(self.table, directory, backend=self.name, extra={"m": self.m, "ef_search": self.ef_search})
