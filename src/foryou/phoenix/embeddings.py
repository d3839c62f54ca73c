"""Hash embedding tables (SPEC §5.2): one [V_kind, D] table per kind, shared by that kind's k hashes.

Row 0 is padding: zero at init and never updated (`padding_idx` zeroes its gradient). The lookups turn a
`PrefixBatch` / `CandidateBatch` of hashes into the embeddings the token reducer consumes.
"""

from __future__ import annotations

import torch
from torch import nn

from foryou.phoenix.batch import CandidateBatch, CandidateEmbeddings, PrefixBatch, PrefixEmbeddings
from foryou.phoenix.config import InputConfig
from foryou.phoenix.layers import EMBEDDING_INIT_STD


def _table(rows: int, dim: int) -> nn.Embedding:
    table = nn.Embedding(rows, dim, padding_idx=0)
    _draw(table, EMBEDDING_INIT_STD)
    return table


def _draw(table: nn.Embedding, std: float) -> None:
    nn.init.normal_(table.weight, std=std)
    with torch.no_grad():
        table.weight[0].zero_()


def redraw_embeddings(model: nn.Module, std: float) -> int:
    """Draw every hash-table row of `model` again from N(0, std²) (row 0 stays zero); returns the tables.

    A training choice (`train.embedding_init_std`): with SPEC's 0.02 a token carries its item's identity at
    1/50 of the scale of the normalised branches added to the residual stream, and a ranker first has to
    grow its tables before a candidate can find itself in the history.
    """
    if not 0.0 < std <= 10.0:
        raise ValueError(f"embedding init std must be in (0, 10], not {std}")
    tables = [t for m in model.modules() if isinstance(m, HashTables) for t in (m.user, m.post, m.author)]
    for t in tables:
        _draw(t, std)
    return len(tables)


class HashTables(nn.Module):
    def __init__(self, inputs: InputConfig, emb_size: int) -> None:
        super().__init__()
        self.user = _table(inputs.vocab_user, emb_size)  # [Vu, D]
        self.post = _table(inputs.vocab_post, emb_size)  # [Vp, D]
        self.author = _table(inputs.vocab_author, emb_size)  # [Va, D]

    def embed_prefix(self, prefix: PrefixBatch) -> PrefixEmbeddings:
        return PrefixEmbeddings(
            user=self.user(prefix.user_hashes),  # [B, Hu, D]
            history_post=self.post(prefix.history_post_hashes),  # [B, S, Hi, D]
            history_author=self.author(prefix.history_author_hashes),  # [B, S, Ha, D]
        )

    def embed_candidates(self, candidates: CandidateBatch) -> CandidateEmbeddings:
        return CandidateEmbeddings(
            post=self.post(candidates.post_hashes),  # [B, C, Hi, D]
            author=self.author(candidates.author_hashes),  # [B, C, Ha, D]
        )
