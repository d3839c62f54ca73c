"""The retrieval index: post id → candidate-tower vector, exact or approximate top-k, live updates."""

from foryou.index.approximate import HNSWIndex, IVFIndex
from foryou.index.base import SearchResult, VectorIndex
from foryou.index.exact import ExactIndex
from foryou.index.factory import build_index, load_index
from foryou.index.snapshot import load_table, save_table
from foryou.index.table import VectorTable

__all__ = [
    "ExactIndex",
    "HNSWIndex",
    "IVFIndex",
    "SearchResult",
    "VectorIndex",
    "VectorTable",
    "build_index",
    "load_index",
    "load_table",
    "save_table",
]
