"""Hash embeddings' hash family "splitmix64-v1" (SPEC §5.2), vectorised over numpy uint64.

Every entity id (user, post, author) maps to k row indices of its kind's table:
`hash_k(id) = 0 if id == 0 else 1 + mix64(id ^ seed(kind, k)) mod (V - 1)`, so row 0 is reserved
for padding. Pure integer arithmetic mod 2^64: identical across processes and machines.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

import numpy as np
import numpy.typing as npt

HASH_FAMILY = "splitmix64-v1"

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)

U64Array = npt.NDArray[np.uint64]
I64Array = npt.NDArray[np.int64]


class HashKind(IntEnum):
    USER = 1
    POST = 2
    AUTHOR = 3


def mix64(x: npt.ArrayLike) -> U64Array:
    """splitmix64 finaliser, elementwise, wrapping mod 2^64."""
    v = np.array(x, dtype=np.uint64, ndmin=1)  # ndim >= 1: numpy scalars would warn on wraparound
    with np.errstate(over="ignore"):
        v = v + _GOLDEN
        v = (v ^ (v >> np.uint64(30))) * _M1
        v = (v ^ (v >> np.uint64(27))) * _M2
        out: U64Array = v ^ (v >> np.uint64(31))
    return out


def hash_seed(kind: HashKind, k: int) -> int:
    """seed(kind, k) = mix64(1000·kind + k)."""
    return int(mix64(1000 * int(kind) + k)[0])


def _as_u64(ids: npt.ArrayLike) -> U64Array:
    """Ids as uint64; Python ints are converted exactly (never through float64)."""
    if isinstance(ids, np.ndarray) and ids.dtype.kind in "iu":
        if ids.dtype.kind == "i" and ids.size and int(ids.min()) < 0:
            raise ValueError("entity ids are unsigned 64-bit; got a negative id")
        return ids.astype(np.uint64, copy=False)
    values = ids.tolist() if isinstance(ids, np.ndarray) else ids
    try:
        return np.array(values, dtype=np.uint64)
    except (OverflowError, TypeError) as exc:
        raise ValueError(f"entity ids must be integers in [0, 2^64): {exc}") from exc


def hash_ids(ids: npt.ArrayLike, *, kind: HashKind, num_hashes: int, vocab_size: int) -> I64Array:
    """Row indices [..., num_hashes] (int64) of `ids` [...] in a table of `vocab_size` rows; id 0 -> all 0."""
    if vocab_size < 2:
        raise ValueError("vocab_size must be >= 2: row 0 is padding")
    u = _as_u64(ids)
    seeds = np.array([hash_seed(kind, k) for k in range(num_hashes)], dtype=np.uint64)  # [k]
    mixed = mix64(u[..., None] ^ seeds).reshape(*u.shape, num_hashes)  # [..., k]
    rows = (np.uint64(1) + mixed % np.uint64(vocab_size - 1)).astype(np.int64)
    rows[u == 0] = 0
    return rows


def hash_users(ids: Sequence[int] | npt.ArrayLike, *, num_hashes: int, vocab_size: int) -> I64Array:
    return hash_ids(ids, kind=HashKind.USER, num_hashes=num_hashes, vocab_size=vocab_size)


def hash_posts(ids: Sequence[int] | npt.ArrayLike, *, num_hashes: int, vocab_size: int) -> I64Array:
    return hash_ids(ids, kind=HashKind.POST, num_hashes=num_hashes, vocab_size=vocab_size)


def hash_authors(ids: Sequence[int] | npt.ArrayLike, *, num_hashes: int, vocab_size: int) -> I64Array:
    return hash_ids(ids, kind=HashKind.AUTHOR, num_hashes=num_hashes, vocab_size=vocab_size)
