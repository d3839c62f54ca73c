"""Decoder pieces: split-halves RoPE, the soft-capped attention weights, rows without valid keys."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from foryou.phoenix import PhoenixRanker, RetrievalConfig, RetrievalModel, TransformerConfig, set_dropout
from foryou.phoenix.transformer import Attention, SequenceMask, apply_rope, gated_gelu_tanh, rope_tables

from .helpers import random_batch, randomized, small_config

CFG = TransformerConfig(
    emb_size=16, num_layers=1, num_q_heads=2, num_kv_heads=1, key_size=8, attn_output_multiplier=0.7
)


def test_rope_is_split_halves() -> None:
    x = torch.arange(1.0, 9.0)[None]  # [1, dk=8]
    out = apply_rope(x, rope_tables(torch.tensor([3]), 8, 10000.0))[0]
    for i in range(4):
        angle = 3 * 10000.0 ** (-2 * i / 8)
        c, s = math.cos(angle), math.sin(angle)
        assert math.isclose(out[i], x[0, i] * c - x[0, i + 4] * s, abs_tol=1e-5)
        assert math.isclose(out[i + 4], x[0, i + 4] * c + x[0, i] * s, abs_tol=1e-5)


@settings(max_examples=20, deadline=None)
@given(p=st.integers(0, 500), d=st.integers(-50, 50), seed=st.integers(0, 100))
def test_rope_scores_depend_on_relative_position_only(p: int, d: int, seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    q, k = torch.randn(1, 8, generator=g), torch.randn(1, 8, generator=g)
    base = (
        apply_rope(q, rope_tables(torch.tensor([p]), 8, 1e4))
        * apply_rope(k, rope_tables(torch.tensor([p + d]), 8, 1e4))
    ).sum()
    moved = (
        apply_rope(q, rope_tables(torch.tensor([0]), 8, 1e4)) * apply_rope(k, rope_tables(torch.tensor([d]), 8, 1e4))
    ).sum()
    assert math.isclose(float(base), float(moved), abs_tol=2e-4)


def test_attention_weights_are_the_masked_soft_capped_softmax() -> None:
    attn = Attention(CFG)
    z = torch.randn(3, 5) * 40  # raw q·k
    blocked = torch.tensor([[False, True, False, False, False]] * 3)
    capped = 30.0 * torch.tanh(z * CFG.attn_output_multiplier / 30.0)
    want = torch.softmax(capped.masked_fill(blocked, -1e30), -1)
    for grad in (True, False):  # the autograd-friendly and the in-place (inference) arithmetic
        with torch.set_grad_enabled(grad):
            e = attn._weights(z * (CFG.attn_output_multiplier / CFG.attn_logit_softcap), blocked, None)
        assert torch.allclose(e / e.sum(-1, keepdim=True), want, atol=1e-6)
        assert (e[:, 1] == 0).all() and torch.isfinite(e).all() and (e[:, [0, 2, 3, 4]] > 0).all()


def test_row_without_valid_keys_is_uniform_and_others_ignore_blocked_keys() -> None:
    torch.manual_seed(0)
    attn = Attention(CFG)
    x = torch.randn(1, 4, 16)
    allowed = torch.tensor(
        [[[False, False, False, False], [True, True, False, False], [True, True, True, False], [True] * 4]]
    )
    mask = SequenceMask.build(allowed)
    assert mask.dead is not None and mask.dead[0, 0, 0, :, 0].tolist() == [True, False, False, False]
    rope = rope_tables(torch.arange(4), 8, 1e4)
    out, cache = attn(x, rope, mask)
    v = cache.v[0, 0]  # [T, dk], one kv head
    uniform = attn.o(torch.cat([v.mean(0), v.mean(0)])[None])  # both query heads average every value
    assert torch.allclose(out[0, 0], uniform[0], atol=1e-5)
    x2 = x.clone()
    x2[0, 3] += 5.0  # a key blocked for rows 1 and 2 changes nothing there
    out2, _ = attn(x2, rope, mask)
    assert torch.allclose(out[0, 1:3], out2[0, 1:3], atol=1e-6)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 1000), scale=st.floats(0.01, 20.0))
def test_gated_gelu_is_torchs_tanh_gelu(seed: int, scale: float) -> None:
    g = torch.Generator().manual_seed(seed)
    gate, value = torch.randn(64, generator=g) * scale, torch.randn(64, generator=g)
    want = torch.nn.functional.gelu(gate.double(), approximate="tanh") * value.double()
    for grad in (True, False):
        with torch.set_grad_enabled(grad):
            got = gated_gelu_tanh(gate, value)
        assert torch.allclose(got.double(), want, rtol=1e-5, atol=1e-6)


def test_dropout_acts_in_training_mode_only_and_is_never_saved() -> None:
    model = randomized(PhoenixRanker(small_config()), seed=1)
    batch = random_batch(model.config.inputs, batch=2, count=3, seed=2)
    model.eval()
    with torch.no_grad():
        before = model(batch)
    keys = set(model.state_dict())
    assert set_dropout(model, 0.3) == 1
    assert set(model.state_dict()) == keys  # a training setting, not a parameter
    with torch.no_grad():
        assert torch.equal(model(batch), before)  # eval mode: exactly the model without dropout
        model.train()
        torch.manual_seed(0)
        dropped = model(batch)
    assert not torch.allclose(dropped, before)
    model.eval()
    set_dropout(model, 0.0)
    model.train()
    with torch.no_grad():
        assert torch.allclose(model(batch), before, atol=1e-6)  # rate 0: training mode changes nothing


def test_dropout_rate_must_be_below_one() -> None:
    with pytest.raises(ValueError, match="dropout"):
        set_dropout(RetrievalModel(RetrievalConfig()), 1.0)
