"""Small random-initialised Phoenix models for the serving tests."""

from __future__ import annotations

import pytest
import torch

from foryou.phoenix import InputConfig, PhoenixConfig, PhoenixRanker, RetrievalConfig, RetrievalModel, TransformerConfig

SMALL = TransformerConfig(emb_size=16, num_layers=1, num_q_heads=2, num_kv_heads=1, key_size=8)
INPUTS = InputConfig(history_seq_len=8, vocab_user=101, vocab_post=103, vocab_author=107)


@pytest.fixture
def ranker() -> PhoenixRanker:
    torch.manual_seed(0)
    return PhoenixRanker(PhoenixConfig(transformer=SMALL, inputs=INPUTS, rank_chunk_size=4)).eval()


@pytest.fixture
def retrieval() -> RetrievalModel:
    torch.manual_seed(1)
    return RetrievalModel(RetrievalConfig(transformer=SMALL, inputs=INPUTS)).eval()
