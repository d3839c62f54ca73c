"""Sets of (user index, user index) pairs as sorted int64 keys, with vectorised membership tests."""

from __future__ import annotations

import numpy as np


def pair_keys(src: np.ndarray, dst: np.ndarray, n: int) -> np.ndarray:
    return src.astype(np.int64) * n + dst.astype(np.int64)


def contains(sorted_keys: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Boolean mask: query[i] ∈ sorted_keys."""
    if len(sorted_keys) == 0:
        return np.zeros(len(query), dtype=bool)
    idx = np.minimum(np.searchsorted(sorted_keys, query), len(sorted_keys) - 1)
    found: np.ndarray = sorted_keys[idx] == query
    return found


def add_keys(sorted_keys: np.ndarray, new: np.ndarray) -> np.ndarray:
    """The sorted union; linear in the existing keys (a full re-sort per block would dominate)."""
    fresh = np.sort(new.astype(np.int64))
    fresh = fresh[np.r_[True, fresh[1:] != fresh[:-1]]] if len(fresh) else fresh
    fresh = fresh[~contains(sorted_keys, fresh)]
    merged: np.ndarray = np.insert(sorted_keys, np.searchsorted(sorted_keys, fresh), fresh)
    return merged
