"""`foryou bench train`: training throughput of both models at the demo config (SPEC §5.3 sizes: emb 128,
2 layers, 2 q / 2 kv heads, key 64, widening 2) with 128 history slots and 32 candidates per example.

A step = forward, loss, backward and AdamW update on random hashed inputs (all slots valid, so the
numbers are the worst case). Ranker tokens per example = 1 + S + C; retrieval = 1 + S (user tower) plus
one candidate-tower item.
"""

from __future__ import annotations

import time
from typing import Any

import torch

from foryou.phoenix import (
    CandidateBatch,
    InputConfig,
    PhoenixBatch,
    PhoenixConfig,
    PhoenixRanker,
    PrefixBatch,
    RetrievalConfig,
    RetrievalModel,
    TransformerConfig,
)
from foryou.training.losses import infonce_loss, ranker_loss

DEMO_TRANSFORMER = TransformerConfig(emb_size=128, num_layers=2, num_q_heads=2, num_kv_heads=2, key_size=64)


def _prefix(b: int, cfg: InputConfig, g: torch.Generator) -> PrefixBatch:
    s = cfg.history_seq_len
    return PrefixBatch(
        user_hashes=torch.randint(1, cfg.vocab_user, (b, cfg.num_user_hashes), generator=g),
        history_post_hashes=torch.randint(1, cfg.vocab_post, (b, s, cfg.num_item_hashes), generator=g),
        history_author_hashes=torch.randint(1, cfg.vocab_author, (b, s, cfg.num_author_hashes), generator=g),
        history_actions=(torch.rand((b, s, cfg.num_actions), generator=g) < 0.2).float(),
        history_surfaces=torch.randint(0, 16, (b, s), generator=g),
    )


def _candidates(b: int, c: int, cfg: InputConfig, g: torch.Generator) -> CandidateBatch:
    return CandidateBatch(
        post_hashes=torch.randint(1, cfg.vocab_post, (b, c, cfg.num_item_hashes), generator=g),
        author_hashes=torch.randint(1, cfg.vocab_author, (b, c, cfg.num_author_hashes), generator=g),
        surfaces=torch.randint(0, 16, (b, c), generator=g),
    )


def _time_steps(step: Any, warmup: int, steps: int) -> float:
    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return time.perf_counter() - start


def run_train_bench(
    *, batch_size: int = 32, history: int = 128, candidates: int = 32, steps: int = 5, threads: int = 2
) -> dict[str, Any]:
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(0)
    inputs = InputConfig(history_seq_len=history)
    ranker = PhoenixRanker(PhoenixConfig(transformer=DEMO_TRANSFORMER, inputs=inputs, candidate_seq_len=candidates))
    retrieval = RetrievalModel(RetrievalConfig(transformer=DEMO_TRANSFORMER, inputs=inputs))
    rank_batch = PhoenixBatch(_prefix(batch_size, inputs, g), _candidates(batch_size, candidates, inputs, g))
    labels = (torch.rand((batch_size, candidates, 18), generator=g) < 0.1).float()
    dwell = torch.rand((batch_size, candidates), generator=g) * 60
    retr_prefix, retr_items = _prefix(batch_size, inputs, g), _candidates(batch_size, 1, inputs, g)
    opts = {m: torch.optim.AdamW(m.parameters(), lr=1e-3) for m in (ranker, retrieval)}

    def ranker_step() -> None:
        parts = ranker_loss(
            ranker(rank_batch),
            labels,
            rank_batch.candidates.valid,
            dwell,
            pos_weight=torch.ones(18),
            dwell_loss_weight=1.0,
            dwell_cap_s=600.0,
            huber_delta=1.0,
        )
        opts[ranker].zero_grad()
        parts.total.backward()  # type: ignore[no-untyped-call]
        opts[ranker].step()

    def retrieval_step() -> None:
        users, items = retrieval(retr_prefix, retr_items)
        loss = infonce_loss(users, items[:, 0], torch.arange(batch_size), torch.zeros(batch_size), temperature=0.05)
        opts[retrieval].zero_grad()
        loss.backward()  # type: ignore[no-untyped-call]
        opts[retrieval].step()

    out: dict[str, Any] = {"batch_size": batch_size, "history": history, "candidates": candidates, "threads": threads}
    for name, step, tokens in (
        ("ranker", ranker_step, 1 + history + candidates),
        ("retrieval", retrieval_step, 1 + history + 1),
    ):
        seconds = _time_steps(step, warmup=1, steps=steps)
        eps = batch_size * steps / seconds
        out[name] = {
            "examples_per_s": round(eps, 1),
            "tokens_per_s": round(eps * tokens, 0),
            "tokens_per_example": tokens,
            "step_ms": round(1000 * seconds / steps, 1),
        }
    return out
