"""Hash family splitmix64-v1 (SPEC §5.2): the SPEC vectors, padding, range, determinism."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from foryou.phoenix import HashKind, hash_authors, hash_ids, hash_posts, hash_seed, hash_users, mix64

SRC = Path(__file__).resolve().parents[2] / "src"


def test_spec_vectors() -> None:
    assert int(mix64(0)[0]) == 0xE220A8397B1DCDAF
    assert hash_users([12345], num_hashes=2, vocab_size=100_000).tolist() == [[5120, 10930]]
    assert hash_posts([2013582276817846272], num_hashes=2, vocab_size=100_000).tolist() == [[79071, 5789]]
    assert hash_authors([12345], num_hashes=2, vocab_size=30_000).tolist() == [[12978, 12647]]


def test_seed_is_mix64_of_kind_and_index() -> None:
    assert hash_seed(HashKind.POST, 1) == int(mix64(2001)[0])


def test_id_zero_is_padding_and_shape_is_kept() -> None:
    rows = hash_posts(np.array([[0, 7], [9, 0]], dtype=np.uint64), num_hashes=3, vocab_size=10)
    assert rows.shape == (2, 2, 3)
    assert rows[0, 0].tolist() == [0, 0, 0] and rows[1, 1].tolist() == [0, 0, 0]
    assert (rows[0, 1] > 0).all() and (rows[1, 0] > 0).all()


@given(
    ids=st.lists(st.integers(min_value=1, max_value=2**64 - 1), min_size=1, max_size=20),
    vocab=st.integers(min_value=2, max_value=2**31),
    k=st.integers(min_value=1, max_value=8),
)
def test_rows_in_range_and_elementwise(ids: list[int], vocab: int, k: int) -> None:
    rows = hash_ids(ids, kind=HashKind.AUTHOR, num_hashes=k, vocab_size=vocab)
    assert rows.shape == (len(ids), k)
    assert ((rows >= 1) & (rows < vocab)).all()
    singles = np.stack([hash_ids([i], kind=HashKind.AUTHOR, num_hashes=k, vocab_size=vocab)[0] for i in ids])
    assert (singles == rows).all()


def test_kinds_use_different_seeds() -> None:
    ids = np.arange(1, 200, dtype=np.uint64)
    users = hash_users(ids, num_hashes=2, vocab_size=100_000)
    posts = hash_posts(ids, num_hashes=2, vocab_size=100_000)
    assert (users != posts).any()
    assert (users[:, 0] != users[:, 1]).any()


def test_deterministic_across_processes() -> None:
    code = (
        "from foryou.phoenix import hash_posts;"
        "print(hash_posts([1, 2**63 + 5, 2**64 - 1], num_hashes=4, vocab_size=1000003).tolist())"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONHASHSEED": "123"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    here = hash_posts([1, 2**63 + 5, 2**64 - 1], num_hashes=4, vocab_size=1000003).tolist()
    assert out.strip() == str(here)
