"""Builds the configured retrieval index (`retrieval.index`) and reloads one from a snapshot."""

from __future__ import annotations

from pathlib import Path

from foryou.index.approximate import HNSWIndex, IVFIndex
from foryou.index.base import VectorIndex
from foryou.index.exact import ExactIndex
from foryou.index.snapshot import load_table
from foryou.index.table import VectorTable
from foryou.params import Params


def build_index(params: Params, dim: int, table: VectorTable | None = None) -> VectorIndex:
    backend = params.get_str("retrieval.index")
    if backend == "hnsw":
        return HNSWIndex(
            dim, m=params.get_int("retrieval.hnsw.m"), ef_search=params.get_int("retrieval.hnsw.ef_search"), table=table
        )
    if backend == "ivf":
        return IVFIndex(
            dim, nlist=params.get_int("retrieval.ivf.nlist"), nprobe=params.get_int("retrieval.ivf.nprobe"), table=table
        )
    return ExactIndex(dim, table)


def load_index(directory: Path, params: Params) -> VectorIndex:
    """Reload a snapshot into the backend the parameters choose (which may differ from the saved one)."""
    table, meta = load_table(directory)
    return build_index(params, int(meta["dim"]), table)
