"""Phoenix: the ranking transformer and the two-tower retrieval model (SPEC §5), in PyTorch.

Inputs are hashed ids (`hashing`, `batch`); `PhoenixRanker` scores candidates (full forward for
training and parity, cached prefix + chunked candidates for serving via `score_candidates`);
`RetrievalModel` encodes users and candidates and `top_k` searches a corpus. `checkpoint` saves and
loads both; `parity` checks them against the upstream golden files.
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
from foryou.phoenix.ranker import (
    PhoenixRanker,
    PrefixCache,
    RankerScores,
    RankerTrace,
    score_candidates,
    serving_outputs,
)
from foryou.phoenix.retrieval import RetrievalModel, UserEncoding, l2_normalize, top_k

__all__ = [
    "HASH_FAMILY",
    "CandidateBatch",
    "CandidateEmbeddings",
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
    "read_checkpoint_config",
    "run_parity",
    "save_checkpoint",
    "score_candidates",
    "serving_outputs",
    "top_k",
]
