"""Phoenix: the ranking transformer and the two-tower retrieval model (SPEC §5), in PyTorch.

Inputs are hashed ids (`hashing`, `batch`). Serving a ranking request::

    model = load_checkpoint(path)                      # or PhoenixRanker(PhoenixConfig.from_params(params))
    prefix = build_prefix(user_ids=[uid], histories=[history], config=model.config.inputs)
    cands = build_candidates(candidates=[[(post_id, author_id), ...]], surfaces=surface, config=...)
    logits = score_candidates(model, prefix, cands)    # [1, C, 19]; prefix once, candidates in chunks
    scores = serving_outputs(logits, dwell_time_cap_s=model.config.dwell_time_cap_s)
    # or, for one user, all of the above: predict(model, user_id=..., history=..., candidates=..., surface=...)

Training uses the plain differentiable forwards: `PhoenixRanker(batch)` -> logits [B, C, 19] (one
full-sequence pass under the candidate-isolation mask) and `RetrievalModel(prefix, candidates)` ->
(user vectors [B, D], candidate vectors [B, C, D]); `top_k` searches a corpus. `save_checkpoint` /
`load_checkpoint` write and read safetensors + config.json; `run_parity` checks a golden file.
"""

from foryou.phoenix.batch import (
    CandidateBatch,
    CandidateEmbeddings,
    HistoryEntry,
    PhoenixBatch,
    PrefixBatch,
    PrefixEmbeddings,
    build_batch,
    build_candidates,
    build_prefix,
)
from foryou.phoenix.checkpoint import load_checkpoint, read_checkpoint_config, save_checkpoint
from foryou.phoenix.config import (
    InputConfig,
    PhoenixConfig,
    RetrievalConfig,
    TransformerConfig,
    ffn_size,
)
from foryou.phoenix.embeddings import redraw_embeddings
from foryou.phoenix.hashing import (
    HASH_FAMILY,
    HashKind,
    hash_authors,
    hash_ids,
    hash_posts,
    hash_seed,
    hash_users,
    mix64,
)
from foryou.phoenix.parity import ParityReport, run_parity
from foryou.phoenix.predict import CandidateScores, predict
from foryou.phoenix.ranker import (
    PhoenixRanker,
    PrefixCache,
    RankerScores,
    RankerTrace,
    score_candidates,
    serving_outputs,
)
from foryou.phoenix.retrieval import RetrievalModel, UserEncoding, l2_normalize, top_k
from foryou.phoenix.transformer import set_dropout

__all__ = [
    "HASH_FAMILY",
    "CandidateBatch",
    "CandidateEmbeddings",
    "CandidateScores",
    "HashKind",
    "HistoryEntry",
    "InputConfig",
    "ParityReport",
    "PhoenixBatch",
    "PhoenixConfig",
    "PhoenixRanker",
    "PrefixBatch",
    "PrefixCache",
    "PrefixEmbeddings",
    "RankerScores",
    "RankerTrace",
    "RetrievalConfig",
    "RetrievalModel",
    "TransformerConfig",
    "UserEncoding",
    "build_batch",
    "build_candidates",
    "build_prefix",
    "ffn_size",
    "hash_authors",
    "hash_ids",
    "hash_posts",
    "hash_seed",
    "hash_users",
    "l2_normalize",
    "load_checkpoint",
    "mix64",
    "predict",
    "read_checkpoint_config",
    "redraw_embeddings",
    "run_parity",
    "save_checkpoint",
    "score_candidates",
    "serving_outputs",
    "set_dropout",
    "top_k",
]
