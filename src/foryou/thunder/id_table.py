"""A compact open-addressing hash table from post id (uint64) to slot (int32), in numpy.

A Python dict costs about 100 bytes per entry at ten million posts; this costs 12 bytes per bucket at
a load factor of at most 0.7. Batch operations are vectorised: every probe step handles all keys that
are still looking. Key 0 marks an empty bucket (0 is never a post id) and the all-ones key a removed
one, so linear probing chains stay intact after removals until the next rebuild.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_EMPTY = np.uint64(0)
REMOVED_KEY = np.uint64(0xFFFF_FFFF_FFFF_FFFF)
HASH_MULTIPLIER = np.uint64(0x9E37_79B9_7F4A_7C15)  # Fibonacci hashing: spreads sequential snowflakes evenly
_MAX_LOAD = 0.7
_STRAGGLERS = 16  # below this many keys still probing, finish them one at a time


class IdTable:
    """post id → slot. Keys must be non-zero and below 2^64 − 1."""

    __slots__ = ("_bits", "_keys", "_live", "_used", "_vals")

    def __init__(self, capacity_hint: int = 1024) -> None:
        self._alloc(_bits_for(capacity_hint))

    def _alloc(self, bits: int) -> None:
        self._bits = bits
        self._keys = np.zeros(1 << bits, dtype=np.uint64)
        self._vals = np.full(1 << bits, -1, dtype=np.int32)
        self._live = 0
        self._used = 0  # live + removed markers

    def __len__(self) -> int:
        return self._live

    @property
    def nbytes(self) -> int:
        return int(self._keys.nbytes + self._vals.nbytes)

    def _home(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        return ((keys * HASH_MULTIPLIER) >> np.uint64(64 - self._bits)).astype(np.int64)

    def get_many(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int32]:
        """The slot of every key, −1 where absent."""
        keys = np.ascontiguousarray(keys, dtype=np.uint64)
        result = np.full(keys.shape[0], -1, dtype=np.int32)
        mask = (1 << self._bits) - 1
        pos = self._home(keys)
        active = np.flatnonzero(keys != _EMPTY)
        while active.size > _STRAGGLERS:
            at = pos[active]
            found = self._keys[at]
            hit = found == keys[active]
            result[active[hit]] = self._vals[at[hit]]
            active = active[~hit & (found != _EMPTY)]
            pos[active] = (pos[active] + 1) & mask
        for i in active.tolist():  # the few long probe chains: cheaper one by one than as arrays
            result[i] = self.get(int(keys[i]))
        return result

    def get(self, key: int) -> int:
        """The slot of one key, −1 where absent."""
        if key == 0:
            return -1
        mask = (1 << self._bits) - 1
        pos = ((key * 0x9E37_79B9_7F4A_7C15) & 0xFFFF_FFFF_FFFF_FFFF) >> (64 - self._bits)
        keys = self._keys
        while True:
            found = int(keys[pos])
            if found == key:
                return int(self._vals[pos])
            if found == 0:
                return -1
            pos = (pos + 1) & mask

    def put_many(self, keys: npt.NDArray[np.uint64], slots: npt.NDArray[np.int32]) -> None:
        """Add keys that are absent and distinct (the caller guarantees both)."""
        if keys.shape[0] == 0:
            return
        if (self._used + keys.shape[0]) > _MAX_LOAD * (1 << self._bits):
            self._rehash(2 * (self._live + keys.shape[0]))
        self._place(np.ascontiguousarray(keys, dtype=np.uint64), np.ascontiguousarray(slots, dtype=np.int32))

    def _place(self, keys: npt.NDArray[np.uint64], slots: npt.NDArray[np.int32]) -> None:
        mask = (1 << self._bits) - 1
        pos = self._home(keys)
        active = np.arange(keys.shape[0])
        reused = 0
        while active.size:
            at = pos[active]
            found = self._keys[at]
            cand = active[(found == _EMPTY) | (found == REMOVED_KEY)]
            # Several keys may want one free bucket: each writes its index there, the last write wins,
            # and the others probe on. (A free bucket's value is unused, so it can serve as the ballot.)
            self._vals[pos[cand]] = cand
            winners = cand[self._vals[pos[cand]] == cand]
            reused += int(np.count_nonzero(self._keys[pos[winners]] == REMOVED_KEY))
            self._keys[pos[winners]] = keys[winners]
            self._vals[pos[winners]] = slots[winners]
            placed = np.zeros(keys.shape[0], dtype=np.bool_)
            placed[winners] = True
            active = active[~placed[active]]
            pos[active] = (pos[active] + 1) & mask
        self._live += keys.shape[0]
        self._used += keys.shape[0] - reused

    def remove_many(self, keys: npt.NDArray[np.uint64]) -> None:
        """Remove the present keys among `keys`; absent ones are ignored."""
        keys = np.unique(np.asarray(keys, dtype=np.uint64))
        mask = (1 << self._bits) - 1
        pos = self._home(keys)
        active = np.flatnonzero(keys != _EMPTY)
        while active.size:
            at = pos[active]
            found = self._keys[at]
            hit = found == keys[active]
            self._keys[at[hit]] = REMOVED_KEY
            self._vals[at[hit]] = -1
            self._live -= int(np.count_nonzero(hit))
            active = active[~hit & (found != _EMPTY)]
            pos[active] = (pos[active] + 1) & mask

    def remap(self, old_to_new: npt.NDArray[np.int32]) -> None:
        """Renumber every slot through `old_to_new` (slot compaction); entries mapped to −1 are removed."""
        occupied = (self._keys != _EMPTY) & (self._keys != REMOVED_KEY)
        keys = self._keys[occupied]
        new = old_to_new[self._vals[occupied]]
        keep = new >= 0
        self._alloc(_bits_for(int(np.count_nonzero(keep))))
        self._place(keys[keep], new[keep].astype(np.int32))

    def _rehash(self, needed: int) -> None:
        occupied = (self._keys != _EMPTY) & (self._keys != REMOVED_KEY)
        keys, vals = self._keys[occupied], self._vals[occupied]
        self._alloc(_bits_for(needed))
        self._place(keys, vals)

    def arrays(self) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int32], int]:
        """(bucket keys, bucket values, log2 of the bucket count) for compiled lookups (scan_kernel)."""
        return self._keys, self._vals, self._bits

    def items(self) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int32]]:
        occupied = (self._keys != _EMPTY) & (self._keys != REMOVED_KEY)
        return self._keys[occupied], self._vals[occupied]


def _bits_for(entries: int) -> int:
    """log2 of the smallest power-of-two bucket count holding `entries` at a load of at most 0.7."""
    bits = 10
    while (1 << bits) * _MAX_LOAD < entries:
        bits += 1
    return bits
