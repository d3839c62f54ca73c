"""Helpers of the Phoenix tests: small configs, random batches, where the golden files live."""

from __future__ import annotations

from pathlib import Path

import torch

from foryou.phoenix import (
    CandidateBatch,
    InputConfig,
    PhoenixBatch,
    PhoenixConfig,
    PhoenixRanker,
    PrefixBatch,
    RetrievalModel,
    TransformerConfig,
)
from foryou.phoenix.golden import config_json, load_upstream_params
from foryou.phoenix.reference.synthetic import synthetic_params

# Golden files live beside the project: <repo root>/../shared/golden (see shared/golden/README.md).
GOLDEN_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "golden"

SMALL_TRANSFORMER = TransformerConfig(
    emb_size=32, num_layers=2, num_q_heads=4, num_kv_heads=2, key_size=8, attn_output_multiplier=0.5
)
SMALL_INPUTS = InputConfig(
    history_seq_len=6,
    num_user_hashes=2,
    num_item_hashes=2,
    num_author_hashes=1,
    vocab_user=50,
    vocab_post=60,
    vocab_author=40,
)


def small_config(**overrides: object) -> PhoenixConfig:
    base: dict[str, object] = {"transformer": SMALL_TRANSFORMER, "inputs": SMALL_INPUTS, "rank_chunk_size": 4}
    base.update(overrides)
    return PhoenixConfig(**base)  # type: ignore[arg-type]


def random_prefix(cfg: InputConfig, batch: int, gen: torch.Generator, *, history: int | None = None) -> PrefixBatch:
    """Random hashes with right-padded histories of random lengths (row 0 keeps at least one item)."""
    s = cfg.history_seq_len if history is None else history
    post = torch.randint(1, cfg.vocab_post, (batch, s, cfg.num_item_hashes), generator=gen)
    lengths = torch.randint(0, s + 1, (batch,), generator=gen)
    lengths[0] = max(1, int(lengths[0]))
    post[torch.arange(s)[None, :] >= lengths[:, None]] = 0
    return PrefixBatch(
        user_hashes=torch.randint(1, cfg.vocab_user, (batch, cfg.num_user_hashes), generator=gen),
        history_post_hashes=post,
        history_author_hashes=torch.randint(1, cfg.vocab_author, (batch, s, cfg.num_author_hashes), generator=gen),
        history_actions=(torch.rand(batch, s, cfg.num_actions, generator=gen) < 0.3).float(),
        history_surfaces=torch.randint(0, cfg.product_surface_vocab, (batch, s), generator=gen),
    )


def random_candidates(
    cfg: InputConfig, batch: int, count: int, gen: torch.Generator, *, pad: bool = True
) -> CandidateBatch:
    post = torch.randint(1, cfg.vocab_post, (batch, count, cfg.num_item_hashes), generator=gen)
    if pad and count > 1:
        post[:, -1, 0] = 0  # a padded slot per row
    return CandidateBatch(
        post_hashes=post,
        author_hashes=torch.randint(1, cfg.vocab_author, (batch, count, cfg.num_author_hashes), generator=gen),
        surfaces=torch.randint(0, cfg.product_surface_vocab, (batch, count), generator=gen),
    )


def random_batch(cfg: InputConfig, batch: int, count: int, seed: int) -> PhoenixBatch:
    gen = torch.Generator().manual_seed(seed)
    return PhoenixBatch(prefix=random_prefix(cfg, batch, gen), candidates=random_candidates(cfg, batch, count, gen))


def randomized(model: PhoenixRanker | RetrievalModel, seed: int) -> PhoenixRanker | RetrievalModel:
    """Parameters drawn like the golden fixtures (attention logits reach the soft-cap), tables N(0, 1)."""
    load_upstream_params(model, synthetic_params(config_json(model), seed))
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for table in (model.tables.user, model.tables.post, model.tables.author):
            table.weight.copy_(torch.randn(table.weight.shape, generator=gen))
            table.weight[0].zero_()
    return model.eval()
