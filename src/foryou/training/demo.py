"""Small, quick models for `make demo`: train a retrieval model and a ranker on a world directory within a
time budget and return their best checkpoints.

Sizes: emb 32, 1 layer, 2 q / 1 kv heads, key 16, history 32, tables sized for a demo world; both models
share the budget equally, stop early on their validation loss, and never exceed the budget by more than
one step plus one validation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from foryou.params import Params, load_params
from foryou.training.loop import FitConfig, fit
from foryou.training.settings import apply_training_settings
from foryou.training.world_tasks import build_world_task

DEMO_OVERRIDES: dict[str, Any] = {
    "phoenix.emb_size": 32,
    "phoenix.num_layers": 1,
    "phoenix.num_q_heads": 2,
    "phoenix.num_kv_heads": 1,
    "phoenix.key_size": 16,
    "phoenix.history_seq_len": 32,
    "phoenix.vocab.user": 8192,
    "phoenix.vocab.post": 32768,
    "phoenix.vocab.author": 8192,
    "train.batch_size": 64,
    "train.lr": 3e-3,
}


def demo_params(base: Params | None = None) -> Params:
    return (base or load_params()).with_overrides(DEMO_OVERRIDES)


def train_demo_models(
    world_dir: Path, out_dir: Path, *, seconds_budget: float = 240.0, seed: int = 0, progress: bool = False
) -> tuple[Path, Path]:
    """(retrieval checkpoint, ranker checkpoint) trained on `world_dir`; examples go to `out_dir/examples`."""
    params = demo_params()
    paths: list[Path] = []
    for kind in ("retrieval", "ranker"):
        torch.manual_seed(seed)
        task = build_world_task(kind, world_dir, params, seed=seed, work=out_dir / "examples")
        apply_training_settings(task.model, params)
        cfg = FitConfig(
            out=out_dir / kind,
            epochs=20,
            lr=params.get_float("train.lr"),
            weight_decay=params.get_float("train.weight_decay"),
            patience=2,
            seconds_budget=seconds_budget / 2,
            progress=progress,
        )
        fit(task, cfg)
        paths.append(out_dir / kind / "best")
    return paths[0], paths[1]
