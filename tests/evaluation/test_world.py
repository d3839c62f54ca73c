"""World evaluation: the AUC by hand, and the whole `eval world` report on a tiny trained world."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from foryou.evaluation.world import evaluate_world, roc_auc
from foryou.params import load_params
from foryou.phoenix import PhoenixRanker, RetrievalModel, load_checkpoint
from foryou.training import train_demo_models
from foryou.world import generate_world
from foryou.world.config import WorldConfig


def test_roc_auc_by_hand_with_ties() -> None:
    assert roc_auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([0, 0, 1, 1])) == 0.75
    assert roc_auc(np.array([0.5, 0.5]), np.array([0, 1])) == 0.5  # a tie counts one half
    assert math.isnan(roc_auc(np.array([0.5, 0.2]), np.array([1, 1])))


def test_eval_world_reports_every_section(tmp_path: Path) -> None:
    generate_world(WorldConfig(users=150, days=1, seed=3), tmp_path / "w", progress=False)
    retr_path, rank_path = train_demo_models(tmp_path / "w", tmp_path / "m", seconds_budget=20)
    retr, rank = load_checkpoint(retr_path), load_checkpoint(rank_path)
    assert isinstance(retr, RetrievalModel) and isinstance(rank, PhoenixRanker)
    params = load_params().with_overrides({"phoenix.history_seq_len": rank.config.inputs.history_seq_len})
    report = evaluate_world(tmp_path / "w", retr, rank, params, work=tmp_path / "m" / "examples", users=20)
    assert report["ranker_auc"]["impressions"] > 0
    fav = report["ranker_auc"]["per_head"]["favorite"]
    assert 0.0 <= fav["model"] <= 1.0 and 0.0 <= fav["oracle"] <= 1.0
    assert 0.0 <= report["retrieval"]["recall@1000"] <= 1.0
    fvr = report["feed_value_ratio"]
    assert set(fvr["ratio_of_totals"]) == {"ranker", "reverse_chronological", "popularity", "oracle_author_prior"}
    assert not any(v > 1.0 + 1e-9 for v in fvr["ratio_of_totals"].values())  # none beats the best (NaN: no value)
