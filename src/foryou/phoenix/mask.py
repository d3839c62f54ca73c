"""The candidate-isolation attention mask and RoPE positions (SPEC §5.4).

Sequence = [user, history (S), candidates (C)], candidate offset O = 1 + S. Prefix rows (q < O) see
k ≤ q (`causal`) or every k < O (`bidirectional`); candidate rows see the whole prefix and themselves,
never another candidate. Padding masks keys only: allowed[b, q, k] = rule(q, k) ∧ valid[b, k].
"""

from __future__ import annotations

import torch

from foryou.phoenix.config import CandidatePositions, PrefixAttention


def attention_rule(
    prefix_len: int, num_candidates: int, prefix_attention: PrefixAttention, device: torch.device | None = None
) -> torch.Tensor:
    """M[q, k] (no padding): [T, T] bool with T = prefix_len + num_candidates."""
    o, t = prefix_len, prefix_len + num_candidates
    q = torch.arange(t, device=device)[:, None]  # [T, 1]
    k = torch.arange(t, device=device)[None, :]  # [1, T]
    prefix_rows = k <= q if prefix_attention == "causal" else k < o
    candidate_rows = (k < o) | (k == q)
    return torch.where(q < o, prefix_rows, candidate_rows)


def full_mask(
    prefix_valid: torch.Tensor,
    candidate_valid: torch.Tensor,
    prefix_attention: PrefixAttention,
    candidate_sees: torch.Tensor | None = None,
) -> torch.Tensor:
    """allowed [B, T, T] from key validity prefix [B, O] and candidates [B, C].

    `candidate_sees` [B, C] (training only, with a causal prefix): candidate j attends to the first
    candidate_sees[b, j] prefix tokens only, so one forward scores candidates of every prefix of a sequence,
    each exactly as if the history ended there.
    """
    valid = torch.cat([prefix_valid, candidate_valid], dim=1)  # [B, T]
    o = prefix_valid.shape[1]
    rule = attention_rule(o, candidate_valid.shape[1], prefix_attention, prefix_valid.device)
    allowed = rule[None] & valid[:, None, :]
    if candidate_sees is None:
        return allowed
    if prefix_attention != "causal":
        raise ValueError("candidate_sees needs a causal prefix: a bidirectional one sees the whole history")
    b, t = valid.shape
    limit = torch.cat([torch.full((b, o), t, device=valid.device), candidate_sees.to(valid.device)], dim=1)  # [B, T]
    k = torch.arange(t, device=valid.device)
    return allowed & ((k[None, None, :] >= o) | (k[None, None, :] < limit[:, :, None]))


def prefix_mask(prefix_valid: torch.Tensor, prefix_attention: PrefixAttention) -> torch.Tensor:
    """allowed [B, O, O] of the prefix rows alone (what the cached path computes once)."""
    rule = attention_rule(prefix_valid.shape[1], 0, prefix_attention, prefix_valid.device)  # [O, O]
    return rule[None] & prefix_valid[:, None, :]


def candidate_positions(
    mode: CandidatePositions, *, prefix_len: int, start: int, count: int, history_seq_len: int
) -> torch.Tensor:
    """RoPE positions [count] of candidates start … start+count−1.

    `sequential` (v1, golden parity): O + i. `shared` (default): every candidate at 1 + the configured S, so
    a score depends neither on its index, nor on the other candidates, nor on how much history is padded.
    """
    if mode == "sequential":
        return torch.arange(prefix_len + start, prefix_len + start + count)
    return torch.full((count,), 1 + history_seq_len, dtype=torch.long)


def sequence_positions(
    mode: CandidatePositions, *, prefix_len: int, num_candidates: int, history_seq_len: int
) -> torch.Tensor:
    """Positions [T] of the full sequence: prefix p -> p, then the candidates per `mode`."""
    cands = candidate_positions(
        mode, prefix_len=prefix_len, start=0, count=num_candidates, history_seq_len=history_seq_len
    )
    return torch.cat([torch.arange(prefix_len), cands])
