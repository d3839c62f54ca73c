"""The candidate-isolation mask and RoPE positions (SPEC §5.4)."""

from __future__ import annotations

import torch
from hypothesis import given
from hypothesis import strategies as st

from foryou.phoenix.mask import attention_rule, candidate_positions, full_mask, prefix_mask, sequence_positions


@given(o=st.integers(1, 9), c=st.integers(0, 9))
def test_candidates_see_prefix_and_themselves_only(o: int, c: int) -> None:
    m = attention_rule(o, c, "causal")
    for q in range(o, o + c):
        assert m[q, :o].all()
        row = m[q, o:]
        assert row.sum() == 1 and row[q - o]


@given(o=st.integers(1, 9), c=st.integers(0, 5))
def test_causal_and_bidirectional_prefix(o: int, c: int) -> None:
    causal = attention_rule(o, c, "causal")
    bidi = attention_rule(o, c, "bidirectional")
    assert torch.equal(causal[:o, :o], torch.ones(o, o, dtype=torch.bool).tril())
    assert bidi[:o, :o].all()
    assert not causal[:o, o:].any() and not bidi[:o, o:].any()
    assert torch.equal(causal[o:], bidi[o:])


@given(o=st.integers(1, 9))
def test_single_candidate_is_plain_causal(o: int) -> None:
    assert torch.equal(attention_rule(o, 1, "causal"), torch.ones(o + 1, o + 1, dtype=torch.bool).tril())


def test_offset_one_without_history() -> None:
    m = attention_rule(1, 3, "causal")  # user only, then candidates
    assert m[:, 0].all()
    assert torch.equal(m[1:, 1:], torch.eye(3, dtype=torch.bool))


def test_padding_masks_keys_only() -> None:
    prefix_valid = torch.tensor([[True, False, True]])
    cand_valid = torch.tensor([[True, False]])
    allowed = full_mask(prefix_valid, cand_valid, "causal")[0]
    assert not allowed[:, 1].any() and not allowed[:, 4].any()  # padded keys nobody sees
    assert allowed[4, 0] and allowed[4, 2]  # a padded query row still sees valid keys
    assert torch.equal(prefix_mask(prefix_valid, "causal")[0], allowed[:3, :3])


def test_positions() -> None:
    assert sequence_positions("sequential", prefix_len=4, num_candidates=3, history_seq_len=9).tolist() == [
        0, 1, 2, 3, 4, 5, 6,
    ]  # fmt: skip
    assert sequence_positions("shared", prefix_len=4, num_candidates=3, history_seq_len=9).tolist() == [
        0, 1, 2, 3, 10, 10, 10,
    ]  # fmt: skip
    assert candidate_positions("sequential", prefix_len=4, start=2, count=2, history_seq_len=9).tolist() == [6, 7]
