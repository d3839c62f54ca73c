"""The demo's quick training: both losses go down and the checkpoints load and serve."""

from __future__ import annotations

import json
from pathlib import Path

from foryou.phoenix import PhoenixRanker, RetrievalModel, load_checkpoint
from foryou.training import train_demo_models
from foryou.world import WorldConfig, generate_world


def test_quick_training_learns_and_saves_loadable_checkpoints(tmp_path: Path) -> None:
    world = tmp_path / "world"
    generate_world(WorldConfig(users=200, days=1, seed=5), world, progress=False)
    ranker_dir, retrieval_dir = train_demo_models(world, tmp_path / "models", seconds_budget=12, seed=1)
    metrics = json.loads((tmp_path / "models" / "metrics.json").read_text())
    for model in ("ranker", "retrieval"):
        assert metrics[model]["steps"] > 0
        assert metrics[model]["validation_loss"] < metrics[model]["first_train_loss"]
    assert isinstance(load_checkpoint(ranker_dir), PhoenixRanker)
    assert isinstance(load_checkpoint(retrieval_dir), RetrievalModel)
