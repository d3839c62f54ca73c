"""The references behind the fast paths' own signatures (STYLE habit 9).

`reference_score_candidates(model, prefix, candidates)` mirrors `foryou.phoenix.score_candidates` and
`reference_encode_user(model, prefix)` mirrors `RetrievalModel.encode_user`, but both run the float64
numpy reference on the model's parameters (exported under their upstream names) and return float64.
"""

from __future__ import annotations

import numpy as np
import torch

from foryou.phoenix.batch import CandidateBatch, PhoenixBatch, PrefixBatch
from foryou.phoenix.golden import config_json, export_upstream_params, golden_inputs
from foryou.phoenix.ranker import PhoenixRanker
from foryou.phoenix.reference.numpy_forward import ranker_forward, retrieval_forward
from foryou.phoenix.retrieval import RetrievalModel


def reference_score_candidates(model: PhoenixRanker, prefix: PrefixBatch, candidates: CandidateBatch) -> torch.Tensor:
    """Logits [B, C, A] from the full-mask numpy reference, with the model's attention and position modes."""
    batch = PhoenixBatch(prefix=prefix, candidates=candidates)
    with torch.no_grad():
        inputs = golden_inputs(batch, model.tables.embed_prefix(prefix), model.tables.embed_candidates(candidates))
    out = ranker_forward(
        export_upstream_params(model),
        config_json(model),
        inputs,
        prefix_attention=model.config.prefix_attention,
        candidate_positions=model.config.candidate_positions,
    )
    return torch.from_numpy(out["logits"])


def reference_encode_user(model: RetrievalModel, prefix: PrefixBatch) -> torch.Tensor:
    """Unit user vectors [B, D] from the numpy reference."""
    b = prefix.user_hashes.shape[0]
    empty = CandidateBatch(
        post_hashes=torch.zeros(b, 0, model.config.inputs.num_item_hashes, dtype=torch.long),
        author_hashes=torch.zeros(b, 0, model.config.inputs.num_author_hashes, dtype=torch.long),
        surfaces=torch.zeros(b, 0, dtype=torch.long),
    )
    batch = PhoenixBatch(prefix=prefix, candidates=empty)
    with torch.no_grad():
        inputs = golden_inputs(batch, model.tables.embed_prefix(prefix), model.tables.embed_candidates(empty))
    d = model.config.transformer.emb_size
    inputs.update(corpus_embeddings=np.zeros((1, d), np.float32), corpus_mask=np.ones(1, np.int32), top_k=np.array(1))
    out = retrieval_forward(export_upstream_params(model), config_json(model), inputs)
    return torch.from_numpy(out["user_representation"])
