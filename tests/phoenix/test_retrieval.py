"""The retrieval two-tower model vs the numpy reference, and top-k over a masked corpus (SPEC §5.5)."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from foryou.phoenix import RetrievalConfig, RetrievalModel, l2_normalize, top_k
from foryou.phoenix.golden import config_json, export_upstream_params, golden_inputs
from foryou.phoenix.reference import retrieval_forward

from .helpers import SMALL_INPUTS, SMALL_TRANSFORMER, random_batch, randomized


def model(seed: int = 0) -> RetrievalModel:
    m = randomized(RetrievalModel(RetrievalConfig(transformer=SMALL_TRANSFORMER, inputs=SMALL_INPUTS)), seed)
    assert isinstance(m, RetrievalModel)
    return m


def test_towers_match_reference() -> None:
    m = model()
    batch = random_batch(SMALL_INPUTS, 3, 4, seed=2)
    corpus = l2_normalize(torch.randn(40, SMALL_TRANSFORMER.emb_size, generator=torch.Generator().manual_seed(1)))[0]
    mask = torch.ones(40, dtype=torch.int32)
    mask[::3] = 0
    with torch.no_grad():
        pe, ce = m.tables.embed_prefix(batch.prefix), m.tables.embed_candidates(batch.candidates)
        user = m.encode_user(batch.prefix)
        cands = m.encode_candidates(batch.candidates)
    scores, indices = top_k(user, corpus, mask, 5)
    inputs = golden_inputs(batch, pe, ce)
    inputs.update(corpus_embeddings=corpus.numpy(), corpus_mask=mask.numpy(), top_k=np.array(5))
    cfg = config_json(m)
    ref = retrieval_forward(export_upstream_params(m), cfg, inputs)
    assert np.abs(user.numpy() - ref["user_representation"]).max() < 1e-5
    assert np.abs(cands.numpy() - ref["candidate_representation"]).max() < 1e-5
    assert (indices.numpy() == ref["top_k_indices"]).all()
    assert np.abs(scores.numpy() - ref["top_k_scores"]).max() < 1e-5
    assert torch.allclose(user.norm(dim=-1), torch.ones(3), atol=1e-5)


def test_user_with_nothing_valid_is_finite() -> None:
    m = model()
    batch = random_batch(SMALL_INPUTS, 2, 2, seed=3)
    p = batch.prefix
    empty = p.__class__(
        user_hashes=torch.zeros_like(p.user_hashes),
        history_post_hashes=torch.zeros_like(p.history_post_hashes),
        history_author_hashes=p.history_author_hashes,
        history_actions=p.history_actions,
        history_surfaces=p.history_surfaces,
    )
    with torch.no_grad():
        enc = m.encode_user_trace(empty)
    assert torch.isfinite(enc.representation).all()
    assert torch.equal(enc.representation, torch.zeros_like(enc.representation))  # pooled over nothing
    assert torch.allclose(enc.norm, torch.full_like(enc.norm, 1e-6))


def test_top_k_masks_rows_and_breaks_ties_by_index() -> None:
    users = torch.tensor([[1.0, 0.0]])
    corpus = torch.tensor([[0.5, 0.0], [1.0, 0.0], [0.5, 0.0], [1.0, 0.0], [0.9, 0.0]])
    mask = torch.tensor([1, 0, 1, 1, 1])
    scores, idx = top_k(users, corpus, mask, 5)
    assert idx.tolist() == [[3, 4, 0, 2, 1]]
    assert scores[0, -1] == -1e12  # K beyond the enabled rows: the disabled row appears, masked


@given(n=st.integers(1, 30), k=st.integers(1, 40), seed=st.integers(0, 1000))
def test_top_k_is_the_stable_descending_order(n: int, k: int, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    corpus = torch.randint(-2, 3, (n, 2), generator=gen).float()  # many ties
    mask = torch.randint(0, 2, (n,), generator=gen)
    users = torch.tensor([[1.0, 0.5]])
    _, idx = top_k(users, corpus, mask, k)
    full = [(-1e12 if mask[i] == 0 else float(corpus[i] @ users[0]), i) for i in range(n)]
    want = sorted(range(n), key=lambda i: (-full[i][0], i))[: min(k, n)]
    assert idx[0].tolist() == want


def test_training_forward_shapes_and_grad() -> None:
    m = RetrievalModel(RetrievalConfig(transformer=SMALL_TRANSFORMER, inputs=SMALL_INPUTS))
    batch = random_batch(SMALL_INPUTS, 2, 3, seed=1)
    users, cands = m(batch.prefix, batch.candidates)
    assert users.shape == (2, 32) and cands.shape == (2, 3, 32)
    (users[:, None] * cands).sum().backward()
    assert m.candidate_tower.proj_1.weight.grad is not None
