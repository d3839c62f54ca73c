"""The two-tower retrieval model (SPEC §5.5, golden README §7).

User tower: the ranker's user/history tokens (own parameters), a causal decoder with key padding, no
final norm, masked mean over valid positions, L2 with the epsilon on the squared norm. Candidate tower:
[post rows, author rows] -> SiLU MLP -> L2. `top_k` scores a corpus by dot product; disabled rows get
−1e12 (kept, not removed); ties go to the lower index.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from foryou.phoenix import mask
from foryou.phoenix.batch import CandidateBatch, CandidateEmbeddings, PrefixBatch, PrefixEmbeddings
from foryou.phoenix.config import RetrievalConfig
from foryou.phoenix.embeddings import HashTables
from foryou.phoenix.layers import Linear
from foryou.phoenix.reduce import TokenReducer
from foryou.phoenix.transformer import Transformer

L2_EPS_SQUARED = 1e-12  # epsilon on Σx², not on the norm (upstream)
MASKED_SCORE = -1e12  # score of a disabled corpus row


def l2_normalize(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(x / norm, norm) with norm = sqrt(max(Σx², 1e-12)) over the last axis."""
    norm = torch.sqrt(torch.clamp(x.square().sum(dim=-1, keepdim=True), min=L2_EPS_SQUARED))
    return x / norm, norm


@dataclass(frozen=True)
class UserEncoding:
    representation: torch.Tensor  # [B, D], unit norm
    norm: torch.Tensor  # [B, 1], what the pooled vector was divided by
    input_embeddings: torch.Tensor  # [B, 1+S, D]
    padding_mask: torch.Tensor  # [B, 1+S] bool
    layer_outputs: list[torch.Tensor]  # L × [B, 1+S, D]


class CandidateTower(nn.Module):
    def __init__(self, in_features: int, emb_size: int) -> None:
        super().__init__()
        self.proj_1 = Linear(in_features, 2 * emb_size)  # [(Hi+Ha)·D -> 2D]
        self.proj_2 = Linear(2 * emb_size, emb_size)  # [2D -> D]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x [..., (Hi+Ha)·D] -> unit vectors [..., D]."""
        return l2_normalize(self.proj_2(F.silu(self.proj_1(x))))[0]


class RetrievalModel(nn.Module):
    def __init__(self, config: RetrievalConfig) -> None:
        super().__init__()
        self.config = config
        d = config.transformer.emb_size
        inputs = config.inputs
        self.tables = HashTables(inputs, d)
        self.reduce = TokenReducer(inputs, d, with_candidates=False)
        self.transformer = Transformer(config.transformer)
        self.candidate_tower = CandidateTower((inputs.num_item_hashes + inputs.num_author_hashes) * d, d)

    def encode_user_trace(self, prefix: PrefixBatch, *, prefix_emb: PrefixEmbeddings | None = None) -> UserEncoding:
        emb = prefix_emb if prefix_emb is not None else self.tables.embed_prefix(prefix)
        x = self.reduce.prefix_tokens(prefix, emb, self.config.dtype)  # [B, O, D]
        valid = prefix.valid.to(x.device)  # [B, O]
        out = self.transformer(x, torch.arange(x.shape[1]), mask.prefix_mask(valid, "causal"))
        w = valid.to(torch.float32).unsqueeze(-1)  # [B, O, 1]
        pooled = (out.hidden.float() * w).sum(dim=1) / w.sum(dim=1).clamp(min=1.0)  # [B, D]
        rep, norm = l2_normalize(pooled)
        return UserEncoding(
            representation=rep,
            norm=norm,
            input_embeddings=x,
            padding_mask=valid,
            layer_outputs=out.layer_outputs,
        )

    def encode_user(self, prefix: PrefixBatch, *, prefix_emb: PrefixEmbeddings | None = None) -> torch.Tensor:
        """Unit user vectors [B, D] (float32)."""
        return self.encode_user_trace(prefix, prefix_emb=prefix_emb).representation

    def encode_candidates(
        self, candidates: CandidateBatch, *, candidate_emb: CandidateEmbeddings | None = None
    ) -> torch.Tensor:
        """Unit candidate vectors [B, C, D], float32 (upstream keeps this tower in float32); no mask applied."""
        emb = candidate_emb if candidate_emb is not None else self.tables.embed_candidates(candidates)
        b, c = candidates.post_hashes.shape[:2]
        x = torch.cat([emb.post, emb.author], dim=2).float().reshape(b, c, -1)  # [B, C, (Hi+Ha)·D]
        out: torch.Tensor = self.candidate_tower(x)
        return out

    def forward(self, prefix: PrefixBatch, candidates: CandidateBatch) -> tuple[torch.Tensor, torch.Tensor]:
        """Training entry: (user vectors [B, D], candidate vectors [B, C, D])."""
        return self.encode_user(prefix), self.encode_candidates(candidates)


def top_k(
    users: torch.Tensor, corpus: torch.Tensor, corpus_mask: torch.Tensor | None, k: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """(scores [B, K], indices [B, K]) of the K best rows of `corpus` [N, D] for `users` [B, D].

    Disabled rows (mask 0) score −1e12 but are not removed; descending, ties to the lower index.
    """
    scores = users.float() @ corpus.float().T  # [B, N]
    if corpus_mask is not None:
        scores = scores.masked_fill(~corpus_mask.bool()[None, :], MASKED_SCORE)
    k = min(k, scores.shape[1])
    # A stable sort of the negated scores keeps equal scores in index order.
    order = torch.sort(-scores, dim=1, stable=True).indices[:, :k]
    return scores.gather(1, order), order
