"""Fast paths vs the slow references behind the same signatures, over random shapes (STYLE habit 9)."""

from __future__ import annotations

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from foryou.phoenix import (
    CandidateBatch,
    InputConfig,
    PhoenixBatch,
    PhoenixConfig,
    PhoenixRanker,
    RetrievalConfig,
    RetrievalModel,
    TransformerConfig,
    score_candidates,
)
from foryou.phoenix.reference import reference_encode_user, reference_score_candidates

from .helpers import random_candidates, random_prefix, randomized

shapes = st.fixed_dictionaries(
    {
        "kv_heads": st.integers(1, 2),
        "groups": st.integers(1, 3),
        "key_size": st.sampled_from([4, 6, 8]),
        "emb_size": st.sampled_from([8, 12, 16]),
        "layers": st.integers(1, 3),
        "history": st.integers(1, 6),
        "hashes": st.integers(1, 3),
    }
)


def configs(s: dict[str, int]) -> tuple[TransformerConfig, InputConfig]:
    t = TransformerConfig(
        emb_size=s["emb_size"],
        num_layers=s["layers"],
        num_q_heads=s["kv_heads"] * s["groups"],
        num_kv_heads=s["kv_heads"],
        key_size=s["key_size"],
        attn_output_multiplier=0.4,
    )
    i = InputConfig(
        history_seq_len=s["history"],
        num_user_hashes=s["hashes"],
        num_item_hashes=s["hashes"],
        num_author_hashes=4 - s["hashes"],
        vocab_user=20,
        vocab_post=30,
        vocab_author=20,
    )
    return t, i


def live(prefix_valid: torch.Tensor, candidates: CandidateBatch) -> torch.Tensor:
    return candidates.valid | prefix_valid.any(dim=1, keepdim=True)


@settings(max_examples=15, deadline=None)
@given(
    s=shapes,
    count=st.integers(1, 6),
    chunk=st.integers(1, 4),
    positions=st.sampled_from(["sequential", "shared"]),
    prefix_attention=st.sampled_from(["causal", "bidirectional"]),
    seed=st.integers(0, 1000),
)
def test_score_candidates_matches_reference(
    s: dict[str, int], count: int, chunk: int, positions: str, prefix_attention: str, seed: int
) -> None:
    t, i = configs(s)
    cfg = PhoenixConfig(transformer=t, inputs=i, candidate_positions=positions, prefix_attention=prefix_attention)  # type: ignore[arg-type]
    model = randomized(PhoenixRanker(cfg), seed)
    assert isinstance(model, PhoenixRanker)
    gen = torch.Generator().manual_seed(seed)
    batch = PhoenixBatch(prefix=random_prefix(i, 2, gen), candidates=random_candidates(i, 2, count, gen))
    fast = score_candidates(model, batch.prefix, batch.candidates, chunk_size=chunk)
    slow = reference_score_candidates(model, batch.prefix, batch.candidates)
    keep = live(batch.prefix.valid, batch.candidates)
    assert (fast.double() - slow)[keep].abs().max() < 1e-4


@settings(max_examples=10, deadline=None)
@given(s=shapes, seed=st.integers(0, 1000))
def test_encode_user_matches_reference(s: dict[str, int], seed: int) -> None:
    t, i = configs(s)
    model = randomized(RetrievalModel(RetrievalConfig(transformer=t, inputs=i)), seed)
    assert isinstance(model, RetrievalModel)
    prefix = random_prefix(i, 3, torch.Generator().manual_seed(seed))
    with torch.no_grad():
        fast = model.encode_user(prefix)
    assert (fast.double() - reference_encode_user(model, prefix)).abs().max() < 1e-5
