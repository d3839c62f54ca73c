"""Impression Bloom filters sent by clients (SPEC §3.8.1): Guava MURMUR128_MITZ_64 layout for longs.

For post id x, (h1, h2) are the little-endian u64 halves of MurmurHash3_x64_128 over the 8-byte
little-endian x with seed 0; bit j = ((h1 + j·h2) mod 2^64 & 0x7FFF_FFFF_FFFF_FFFF) mod m, and bit i
lives at bit (i mod 64) of words[i div 64].
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import mmh3

from foryou.core.errors import InvalidInputError

_MASK64 = (1 << 64) - 1
_MASK63 = (1 << 63) - 1
MAX_HASHES = 30


def murmur_halves(post_id: int) -> tuple[int, int]:
    """(h1, h2) of MurmurHash3_x64_128 over the 8-byte little-endian id, seed 0."""
    h1, h2 = mmh3.hash64((post_id & _MASK64).to_bytes(8, "little"), 0, True, False)
    return int(h1), int(h2)


def bit_indices(post_id: int, num_hashes: int, num_bits: int) -> list[int]:
    h1, h2 = murmur_halves(post_id)
    return [(((h1 + j * h2) & _MASK64) & _MASK63) % num_bits for j in range(num_hashes)]


@dataclass(frozen=True)
class BloomFilter:
    words: tuple[int, ...]
    num_hashes: int
    size_cap: int = 0
    false_positive_rate: float = 0.0

    def __post_init__(self) -> None:
        if not self.words:
            raise InvalidInputError("bloom filter entry needs at least one word")
        if not 1 <= self.num_hashes <= MAX_HASHES:
            raise InvalidInputError(f"bloom filter num_hashes={self.num_hashes} outside 1..{MAX_HASHES}")
        if any(not 0 <= w <= _MASK64 for w in self.words):
            raise InvalidInputError("bloom filter words must be unsigned 64-bit")

    @property
    def num_bits(self) -> int:
        return 64 * len(self.words)

    def may_contain(self, post_id: int) -> bool:
        words = self.words
        return all((words[i >> 6] >> (i & 63)) & 1 for i in bit_indices(post_id, self.num_hashes, self.num_bits))

    @classmethod
    def build(cls, post_ids: Iterable[int], *, num_bits: int, num_hashes: int) -> BloomFilter:
        """What a client does: set the bits of every id (num_bits rounded up to whole words)."""
        words = [0] * max(1, -(-num_bits // 64))
        m = 64 * len(words)
        for post_id in post_ids:
            for i in bit_indices(post_id, num_hashes, m):
                words[i >> 6] |= 1 << (i & 63)
        return cls(tuple(words), num_hashes)


def any_may_contain(filters: Sequence[BloomFilter], post_id: int) -> bool:
    return any(f.may_contain(post_id) for f in filters)
