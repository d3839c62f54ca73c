"""Tiny MovieLens-like data and small Phoenix configs shared by the training tests."""

from __future__ import annotations

import numpy as np

from foryou.phoenix import InputConfig, PhoenixConfig, RetrievalConfig, TransformerConfig
from foryou.training import Ml100kData

TINY_INPUTS = InputConfig(
    history_seq_len=8,
    num_user_hashes=1,
    num_item_hashes=2,
    num_author_hashes=1,
    vocab_user=64,
    vocab_post=256,
    vocab_author=16,
)
TINY_TRANSFORMER = TransformerConfig(emb_size=16, num_layers=1, num_q_heads=2, num_kv_heads=1, key_size=8)


def tiny_data(seed: int = 0, users: int = 12, items: int = 20) -> Ml100kData:
    """Users walk the catalogue in steps of +1 from a random start: the next item is predictable."""
    rng = np.random.default_rng(seed)
    seqs = [(int(rng.integers(items)) + np.arange(int(rng.integers(10, 16)))) % items for _ in range(users)]
    return Ml100kData(
        users=np.arange(1, users + 1),
        items=np.arange(1, items + 1),
        authors=1_000_000 + np.arange(items) % 3,
        sequences=seqs,
        ratings=[rng.integers(1, 6, len(s)).astype(np.float32) for s in seqs],
    )


def retrieval_config() -> RetrievalConfig:
    return RetrievalConfig(transformer=TINY_TRANSFORMER, inputs=TINY_INPUTS)


def ranker_config() -> PhoenixConfig:
    return PhoenixConfig(transformer=TINY_TRANSFORMER, inputs=TINY_INPUTS, candidate_seq_len=6)
