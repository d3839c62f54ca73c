"""Small, time-boxed training of both Phoenix models on a world's engagement log (what `make demo` runs).

Examples come from `foryou.data.build_examples` (SPEC §5.8). The ranker learns the 18 heads with
masked BCE plus a Huber loss on log1p dwell seconds; the retrieval towers learn in-batch sampled
softmax with a log-Q correction from in-batch post frequencies. Models are small (the demo has
seconds, not hours) and stop at their share of the time budget.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import torch
import torch.nn.functional as F

from foryou.core.actions import NUM_DISCRETE_ACTIONS, Action
from foryou.data.examples import ExampleConfig, build_examples
from foryou.events.eventfile import read_events
from foryou.params import Params
from foryou.phoenix import (
    HistoryEntry,
    InputConfig,
    PhoenixBatch,
    PhoenixConfig,
    PhoenixRanker,
    PrefixBatch,
    RetrievalConfig,
    RetrievalModel,
    TransformerConfig,
    build_candidates,
    build_prefix,
    save_checkpoint,
)
from foryou.transport.routing import event_files

_ACTIONS = tuple(Action)
Row = dict[str, Any]
LossFn = Callable[[Any, list[Row]], torch.Tensor]


@dataclass(frozen=True)
class QuickConfig:
    """Sizes chosen so that both models learn something useful on a laptop-sized world in minutes."""

    emb_size: int = 64
    num_layers: int = 2
    history: int = 32  # the last 32 aggregated actions: most of a demo user's history
    batch: int = 64
    lr: float = 3e-3  # small models tolerate a large step; AdamW as SPEC §5.8
    temperature: float = 0.05
    vocab: int = 50_000


def _history(posts: list[int], authors: list[int], bits: list[int], surfaces: list[int]) -> list[HistoryEntry]:
    return [
        HistoryEntry(p, a, frozenset(_ACTIONS[i] for i in range(NUM_DISCRETE_ACTIONS) if b >> i & 1), s)
        for p, a, b, s in zip(posts, authors, bits, surfaces, strict=True)
    ]


def _rows(directory: Path, split: str) -> list[Row]:
    rows: list[Row] = []
    for path in sorted(directory.glob(f"{split}-*.parquet")):
        rows.extend(pq.read_table(path).to_pylist())
    return rows


def _inputs(cfg: QuickConfig) -> InputConfig:
    return InputConfig(history_seq_len=cfg.history, vocab_user=cfg.vocab, vocab_post=cfg.vocab, vocab_author=cfg.vocab)


def _transformer(cfg: QuickConfig) -> TransformerConfig:
    return TransformerConfig(
        emb_size=cfg.emb_size, num_layers=cfg.num_layers, num_q_heads=2, num_kv_heads=2, key_size=cfg.emb_size // 2
    )


def _prefix(rows: list[Row], inputs: InputConfig) -> PrefixBatch:
    histories = [
        _history(r["history_post_ids"], r["history_author_ids"], r["history_actions"], r["history_surfaces"])
        for r in rows
    ]
    return build_prefix(user_ids=[int(r["user_id"]) for r in rows], histories=histories, config=inputs)


def _ranker_loss(model: PhoenixRanker, rows: list[Row], cap_s: float) -> torch.Tensor:
    inputs = model.config.inputs
    cands = [list(zip(r["candidate_post_ids"], r["candidate_author_ids"], strict=True)) for r in rows]
    candidates = build_candidates(candidates=cands, surfaces=1, config=inputs)
    logits = model(PhoenixBatch(_prefix(rows, inputs), candidates))  # [B, C, 19]
    b, c = logits.shape[:2]
    labels = torch.zeros(b, c, NUM_DISCRETE_ACTIONS)
    dwell = torch.zeros(b, c)
    for i, r in enumerate(rows):
        bits = torch.tensor(r["labels"], dtype=torch.int64)
        labels[i, : len(bits)] = ((bits[:, None] >> torch.arange(NUM_DISCRETE_ACTIONS)) & 1).float()
        dwell[i, : len(bits)] = torch.tensor(r["dwell_s"], dtype=torch.float32)
    valid = candidates.valid.float()  # [B, C]
    bce = F.binary_cross_entropy_with_logits(logits[..., :NUM_DISCRETE_ACTIONS], labels, reduction="none")
    head_loss = (bce * valid[..., None]).sum() / valid.sum().clamp(min=1) / NUM_DISCRETE_ACTIONS
    target = torch.log1p(dwell.clamp(max=cap_s))
    huber = F.huber_loss(logits[..., NUM_DISCRETE_ACTIONS], target, reduction="none", delta=1.0)
    return head_loss + (huber * valid).sum() / valid.sum().clamp(min=1)


def _retrieval_loss(model: RetrievalModel, rows: list[Row], temperature: float) -> torch.Tensor:
    inputs = model.config.inputs
    users = model.encode_user(_prefix(rows, inputs))  # [B, D]
    pairs = [[(int(r["post_id"]), int(r["author_id"]))] for r in rows]
    items = model.encode_candidates(build_candidates(candidates=pairs, config=inputs))[:, 0]  # [B, D]
    posts = torch.tensor([p[0][0] for p in pairs], dtype=torch.float64)
    same = posts[:, None] == posts[None, :]
    counts = same.sum(dim=1).float()  # in-batch frequency: the log-Q correction's sampling estimate
    logits = users @ items.T / temperature - torch.log(counts / len(rows))[None, :]
    logits = logits.masked_fill(same & ~torch.eye(len(rows), dtype=torch.bool), float("-inf"))
    return F.cross_entropy(logits, torch.arange(len(rows)))


def _fit(
    model: torch.nn.Module,
    loss_fn: LossFn,
    train: list[Row],
    valid: list[Row],
    *,
    batch: int,
    lr: float,
    seconds: float,
    seed: int,
) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    start, steps, first = time.perf_counter(), 0, math.nan
    model.train()
    while time.perf_counter() - start < seconds and train:
        for idx in np.array_split(rng.permutation(len(train)), max(1, len(train) // batch)):
            loss = loss_fn(model, [train[i] for i in idx])
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
            steps += 1
            first = float(loss.detach()) if steps == 1 else first
            if time.perf_counter() - start >= seconds:
                break
    model.eval()
    with torch.no_grad():
        chunks = [valid[i : i + batch] for i in range(0, len(valid), batch)] or [train[:batch]]
        val = float(np.mean([float(loss_fn(model, c)) for c in chunks if c]))
    return {"steps": steps, "first_train_loss": first, "validation_loss": val, "seconds": time.perf_counter() - start}


def train_demo_models(
    world: Path, out: Path, *, seconds_budget: float = 240.0, seed: int = 0, params: Params | None = None
) -> tuple[Path, Path]:
    """Train a small ranker and retrieval model on `world`; returns their checkpoint directories."""
    params = params or Params()
    cfg = QuickConfig()
    torch.manual_seed(seed)
    examples = out / "examples"
    events = (event for path in event_files(world) for event in read_events(path))
    build_examples(events, examples, ExampleConfig.from_params(params))
    inputs, transformer = _inputs(cfg), _transformer(cfg)
    ranker = PhoenixRanker(PhoenixConfig(transformer=transformer, inputs=inputs, candidate_seq_len=32))
    retrieval = RetrievalModel(RetrievalConfig(transformer=transformer, inputs=inputs))
    cap = float(params.get_int("phoenix.dwell_time_cap_s"))
    ranker_stats = _fit(
        ranker,
        lambda m, rows: _ranker_loss(m, rows, cap),
        _rows(examples / "ranking", "train"),
        _rows(examples / "ranking", "validation"),
        batch=cfg.batch // 2,
        lr=cfg.lr,
        seconds=seconds_budget * 0.6,
        seed=seed,
    )
    retrieval_stats = _fit(
        retrieval,
        lambda m, rows: _retrieval_loss(m, rows, cfg.temperature),
        _rows(examples / "retrieval", "train"),
        _rows(examples / "retrieval", "validation"),
        batch=cfg.batch * 4,
        lr=cfg.lr,
        seconds=seconds_budget * 0.4,
        seed=seed,
    )
    save_checkpoint(ranker, out / "ranker", step=int(ranker_stats["steps"]))
    save_checkpoint(retrieval, out / "retrieval", step=int(retrieval_stats["steps"]))
    (out / "metrics.json").write_text(json.dumps({"ranker": ranker_stats, "retrieval": retrieval_stats}, indent=1))
    return out / "ranker", out / "retrieval"
