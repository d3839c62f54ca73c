"""Token construction (SPEC §5.3, golden README §6.1): hash rows -> one D-vector per position.

user token = flat(user rows) · P1; history token = [post rows, author rows, action emb, surface emb] · P3;
candidate token = [post rows, author rows, surface emb] · P2. Rows are flattened hash-major.
"""

from __future__ import annotations

import torch
from torch import nn

from foryou.phoenix.batch import CandidateBatch, CandidateEmbeddings, PrefixBatch, PrefixEmbeddings
from foryou.phoenix.config import InputConfig
from foryou.phoenix.layers import EMBEDDING_INIT_STD, Linear


class TokenReducer(nn.Module):
    def __init__(self, inputs: InputConfig, emb_size: int, *, with_candidates: bool) -> None:
        super().__init__()
        d = emb_size
        self.surface_vocab = inputs.product_surface_vocab
        self.surface_table = nn.Parameter(torch.randn(inputs.product_surface_vocab, d) * EMBEDDING_INIT_STD)  # [V, D]
        self.action_projection = Linear(inputs.num_actions, d)  # [D, A]
        self.user_proj = Linear(inputs.num_user_hashes * d, d)  # P1
        self.history_proj = Linear((inputs.num_item_hashes + inputs.num_author_hashes + 2) * d, d)  # P3
        self.candidate_proj = (
            Linear((inputs.num_item_hashes + inputs.num_author_hashes + 1) * d, d) if with_candidates else None
        )  # P2

    def surface_embedding(self, surfaces: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        """one-hot(s, V) · table: [..] -> [.., D]; an id outside [0, V) gives a zero row."""
        in_range = (surfaces >= 0) & (surfaces < self.surface_vocab)
        rows = self.surface_table[surfaces.clamp(0, self.surface_vocab - 1)]
        return (rows * in_range.unsqueeze(-1)).to(dtype)

    def action_embedding(self, actions: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        """(2a − 1) · W_act, zero for rows without any action: [B, S, A] -> [B, S, D]."""
        signed: torch.Tensor = self.action_projection((2.0 * actions - 1.0).to(dtype))
        return signed * (actions != 0).any(dim=-1, keepdim=True).to(dtype)

    def prefix_tokens(self, prefix: PrefixBatch, emb: PrefixEmbeddings, dtype: torch.dtype) -> torch.Tensor:
        """[user, history] tokens: [B, 1+S, D]."""
        user = self.user_proj(emb.user.to(dtype).flatten(1).unsqueeze(1))  # [B, 1, D]
        history_in = torch.cat(
            [
                emb.history_post.to(dtype).flatten(2),  # [B, S, Hi·D]
                emb.history_author.to(dtype).flatten(2),  # [B, S, Ha·D]
                self.action_embedding(prefix.history_actions, dtype),  # [B, S, D]
                self.surface_embedding(prefix.history_surfaces, dtype),  # [B, S, D]
            ],
            dim=-1,
        )
        return torch.cat([user, self.history_proj(history_in)], dim=1)

    def candidate_tokens(
        self, candidates: CandidateBatch, emb: CandidateEmbeddings, dtype: torch.dtype
    ) -> torch.Tensor:
        """Candidate tokens: [B, C, D]."""
        if self.candidate_proj is None:
            raise TypeError("this reducer was built without the candidate projection (retrieval model)")
        cand_in = torch.cat(
            [
                emb.post.to(dtype).flatten(2),  # [B, C, Hi·D]
                emb.author.to(dtype).flatten(2),  # [B, C, Ha·D]
                self.surface_embedding(candidates.surfaces, dtype),  # [B, C, D]
            ],
            dim=-1,
        )
        out: torch.Tensor = self.candidate_proj(cand_in)
        return out
