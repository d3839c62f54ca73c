"""Impression Bloom filters: the SPEC §3.8.1 vectors and the no-false-negative property."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foryou.core import InvalidInputError
from foryou.home_mixer.bloom import BloomFilter, bit_indices, murmur_halves


def test_spec_vectors() -> None:
    assert murmur_halves(1) == (0x004403B7FB05C44A, 0x3D8ACDB4D36D9C06)
    assert bit_indices(1, 3, 1024) == [74, 80, 86]
    assert bit_indices(42, 3, 1024) == [504, 376, 248]
    built = BloomFilter.build([1, 42], num_bits=128, num_hashes=3)
    assert built.words == (0, 0x0100000000410400)


@given(st.sets(st.integers(1, 2**64 - 1), max_size=50), st.integers(1, 8), st.integers(1, 40))
def test_members_are_always_found(ids: set[int], k: int, words: int) -> None:
    bloom = BloomFilter.build(ids, num_bits=64 * words, num_hashes=k)
    assert all(bloom.may_contain(i) for i in ids)


def test_invalid_entries_are_rejected() -> None:
    with pytest.raises(InvalidInputError):
        BloomFilter((), 3)
    with pytest.raises(InvalidInputError):
        BloomFilter((1,), 0)
    with pytest.raises(InvalidInputError):
        BloomFilter((1,), 31)
