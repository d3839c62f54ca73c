"""The Phoenix ranker (SPEC §5.3, §5.4, §5.7): hash tables -> tokens -> decoder -> final norm -> 19 logits.

Two entry points over the same parameters:
- `forward(batch)`: one full-sequence forward under the explicit candidate-isolation mask — the plain,
  differentiable path for training and golden parity (`sequential` positions reproduce v1 exactly);
- `encode_prefix` + `score_chunk` (and `score_candidates`): the serving path. The user + history
  prefix runs once, its per-layer keys/values are cached, and candidates are scored in chunks that each
  attend to the cache plus themselves. With `shared` positions the logits do not depend on chunking,
  order or the other candidates (batch invariance).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from foryou.core.actions import NUM_DISCRETE_ACTIONS
from foryou.phoenix import mask, projected
from foryou.phoenix.batch import (
    CandidateBatch,
    CandidateEmbeddings,
    PhoenixBatch,
    PrefixBatch,
    PrefixEmbeddings,
)
from foryou.phoenix.config import CandidatePositions, PhoenixConfig, PrefixAttention
from foryou.phoenix.embeddings import HashTables
from foryou.phoenix.layers import Linear, RMSNorm
from foryou.phoenix.reduce import TokenReducer
from foryou.phoenix.transformer import LayerCache, Transformer

MIN_CHUNK_ROWS = 16  # see score_chunk


@dataclass(frozen=True)
class RankerTrace:
    """Everything the full forward computed, for parity and debugging (golden README §8)."""

    logits: torch.Tensor  # [B, C, A]
    input_embeddings: torch.Tensor  # [B, T, D]
    padding_mask: torch.Tensor  # [B, T] bool
    layer_outputs: list[torch.Tensor]  # L × [B, T, D]


@dataclass(frozen=True)
class PrefixCache:
    """The encoded user + history of a batch: per-layer keys/values and key validity."""

    caches: list[LayerCache]
    valid: torch.Tensor  # [B, O] bool
    prefix_len: int  # O


@dataclass(frozen=True)
class RankerScores:
    """Serving outputs: probabilities of heads 0..17 and the dwell-time regression head in seconds."""

    probabilities: torch.Tensor  # [B, C, 18]
    dwell_time_s: torch.Tensor  # [B, C]


class PhoenixRanker(nn.Module):
    def __init__(self, config: PhoenixConfig) -> None:
        super().__init__()
        self.config = config
        d = config.transformer.emb_size
        self.tables = HashTables(config.inputs, d)
        self.reduce = TokenReducer(config.inputs, d, with_candidates=True)
        self.transformer = Transformer(config.transformer)
        self.final_norm = RMSNorm(d, config.transformer.rms_norm_eps)
        self.unembed = Linear(d, config.inputs.num_actions)  # [A, D]
        self._projected: projected.ProjectedTables | None = None  # serving cache, never saved

    # ---- full-sequence path (training, parity) -------------------------------------------------
    def forward(
        self,
        batch: PhoenixBatch,
        *,
        prefix_emb: PrefixEmbeddings | None = None,
        candidate_emb: CandidateEmbeddings | None = None,
        candidate_positions: CandidatePositions | None = None,
        prefix_attention: PrefixAttention | None = None,
        candidate_sees: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Logits [B, C, A] of every candidate slot (padded slots included). `candidate_sees` [B, C]: how many
        prefix tokens (user + history) each candidate attends to (`mask.full_mask`); default all."""
        return self.trace(
            batch,
            prefix_emb=prefix_emb,
            candidate_emb=candidate_emb,
            candidate_positions=candidate_positions,
            prefix_attention=prefix_attention,
            candidate_sees=candidate_sees,
        ).logits

    def trace(
        self,
        batch: PhoenixBatch,
        *,
        prefix_emb: PrefixEmbeddings | None = None,
        candidate_emb: CandidateEmbeddings | None = None,
        candidate_positions: CandidatePositions | None = None,
        prefix_attention: PrefixAttention | None = None,
        candidate_sees: torch.Tensor | None = None,
    ) -> RankerTrace:
        """The full forward with its intermediates. Embeddings default to this model's hash tables."""
        cfg = self.config
        dtype = cfg.dtype
        prefix, cands = batch.prefix, batch.candidates
        prefix_emb = prefix_emb if prefix_emb is not None else self.tables.embed_prefix(prefix)
        candidate_emb = candidate_emb if candidate_emb is not None else self.tables.embed_candidates(cands)
        x = torch.cat(
            [
                self.reduce.prefix_tokens(prefix, prefix_emb, dtype),  # [B, O, D]
                self.reduce.candidate_tokens(cands, candidate_emb, dtype),  # [B, C, D]
            ],
            dim=1,
        )  # [B, T, D]
        o, c = prefix.valid.shape[1], cands.num_candidates
        allowed = mask.full_mask(
            prefix.valid, cands.valid, prefix_attention or cfg.prefix_attention, candidate_sees
        )  # [B, T, T]
        positions = mask.sequence_positions(
            candidate_positions or cfg.candidate_positions,
            prefix_len=o,
            num_candidates=c,
            history_seq_len=cfg.inputs.history_seq_len,
        )
        out = self.transformer(x, positions, allowed.to(x.device))
        logits = self.unembed(self.final_norm(out.hidden[:, o:]))  # [B, C, A]
        return RankerTrace(
            logits=logits,
            input_embeddings=x,
            padding_mask=torch.cat([prefix.valid, cands.valid], dim=1),
            layer_outputs=out.layer_outputs,
        )

    # ---- cached path (serving) -----------------------------------------------------------------
    def encode_prefix(
        self,
        prefix: PrefixBatch,
        *,
        prefix_emb: PrefixEmbeddings | None = None,
        prefix_attention: PrefixAttention | None = None,
    ) -> PrefixCache:
        """Run user + history once; keep every layer's keys/values."""
        emb = prefix_emb if prefix_emb is not None else self.tables.embed_prefix(prefix)
        x = self.reduce.prefix_tokens(prefix, emb, self.config.dtype)  # [B, O, D]
        valid = prefix.valid.to(x.device)  # [B, O]
        allowed = mask.prefix_mask(valid, prefix_attention or self.config.prefix_attention)  # [B, O, O]
        out = self.transformer(x, torch.arange(x.shape[1]), allowed)
        return PrefixCache(caches=out.caches, valid=valid, prefix_len=x.shape[1])

    def score_chunk(
        self,
        cache: PrefixCache,
        candidates: CandidateBatch,
        *,
        start: int = 0,
        candidate_emb: CandidateEmbeddings | None = None,
        candidate_positions: CandidatePositions | None = None,
    ) -> torch.Tensor:
        """Logits [B, c, A] of a chunk of candidates whose first one is slot `start` of the request."""
        cfg = self.config
        x = self._candidate_tokens(candidates, candidate_emb)  # [B, c, D]
        valid = candidates.valid.to(x.device)  # [B, c]
        b, c, _ = x.shape
        if 0 < b * c < MIN_CHUNK_ROWS:
            # BLAS takes a matrix-vector path for very few rows, which sums in another order: pad with
            # isolated dummy candidates so that a chunk of 1 rounds exactly like a chunk of 100.
            extra = -(-MIN_CHUNK_ROWS // b) - c
            x = torch.cat([x, x.new_zeros(b, extra, x.shape[2])], dim=1)
            valid = torch.cat([valid, valid.new_zeros(b, extra)], dim=1)
        positions = mask.candidate_positions(
            candidate_positions or cfg.candidate_positions,
            prefix_len=cache.prefix_len,
            start=start,
            count=x.shape[1],
            history_seq_len=cfg.inputs.history_seq_len,
        )
        h = self.transformer.forward_candidates(x, positions, cache.caches, cache.valid, valid)
        out: torch.Tensor = self.unembed(self.final_norm(h[:, :c]))
        return out

    def _candidate_tokens(self, candidates: CandidateBatch, emb: CandidateEmbeddings | None) -> torch.Tensor:
        """Without gradients and explicit embeddings, use the precomputed projected tables (projected.py)."""
        dtype = self.config.dtype
        if emb is None and not torch.is_grad_enabled():
            table = self._projected
            if table is None or not projected.is_current(table, self.tables, self.reduce):
                with torch.inference_mode(False):
                    table = projected.build_projected(self.tables, self.reduce, self.config.inputs.num_item_hashes)
                self._projected = table
            return projected.candidate_tokens(table, candidates, dtype)
        emb = emb if emb is not None else self.tables.embed_candidates(candidates)
        return self.reduce.candidate_tokens(candidates, emb, dtype)


def trimmed_prefix(prefix: PrefixBatch) -> PrefixBatch:
    """Drop history slots padded in every row: they are masked keys, so valid outputs do not change."""
    valid = prefix.history_valid  # [B, S]
    if valid.numel() == 0 or bool(valid[:, -1].any()):
        return prefix
    slots = torch.arange(1, valid.shape[1] + 1, device=valid.device)
    length = int((valid * slots).max().item())
    return prefix.truncate_history(length)


def score_candidates(
    model: PhoenixRanker,
    prefix: PrefixBatch,
    candidates: CandidateBatch,
    *,
    chunk_size: int | None = None,
) -> torch.Tensor:
    """Serving entry point: logits [B, C, A], prefix encoded once, candidates in chunks (no grad).

    With `shared` candidate positions, history slots padded in every row are not computed at all.
    """
    size = chunk_size or model.config.rank_chunk_size
    with torch.inference_mode():
        if model.config.candidate_positions == "shared":
            prefix = trimmed_prefix(prefix)
        cache = model.encode_prefix(prefix)
        chunks = [
            model.score_chunk(cache, candidates.slice(s, s + size), start=s)
            for s in range(0, candidates.num_candidates, size)
        ]
    if not chunks:
        return torch.zeros(
            (candidates.post_hashes.shape[0], 0, model.config.inputs.num_actions), dtype=model.config.dtype
        )
    return torch.cat(chunks, dim=1)


def serving_outputs(logits: torch.Tensor, *, dwell_time_cap_s: float) -> RankerScores:
    """p_a = sigmoid(logit_a) for a ≤ 17; dwell_time = expm1(clamp(logit_18, 0, log1p(cap))) seconds."""
    lf = logits.float()
    probs = torch.sigmoid(lf[..., :NUM_DISCRETE_ACTIONS])
    dwell = torch.expm1(lf[..., NUM_DISCRETE_ACTIONS].clamp(0.0, math.log1p(dwell_time_cap_s)))
    return RankerScores(probabilities=probs, dwell_time_s=dwell)
