"""`foryou phoenix demo-rank / demo-retrieve` and `foryou bench ranker`, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from typer.testing import CliRunner

from foryou.cli.main import app
from foryou.phoenix import PhoenixRanker, RetrievalConfig, RetrievalModel, save_checkpoint

from .helpers import SMALL_INPUTS, SMALL_TRANSFORMER, small_config

runner = CliRunner()


def test_demo_rank_prints_bars_for_every_action() -> None:
    result = runner.invoke(app, ["phoenix", "demo-rank", "--candidates", "3", "--detailed", "1"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert sum(line.startswith("#") for line in lines) == 3
    assert sum("█" in line or "·" * 30 in line for line in lines) == 18
    favorites = [float(line.split("favorite ")[1].split(",")[0]) for line in lines if line.startswith("#")]
    assert favorites == sorted(favorites, reverse=True)


def test_demo_rank_from_checkpoint(tmp_path: Path) -> None:
    torch.manual_seed(0)
    save_checkpoint(PhoenixRanker(small_config()), tmp_path / "ranker")
    result = runner.invoke(app, ["phoenix", "demo-rank", "--checkpoint", str(tmp_path / "ranker"), "--candidates", "5"])
    assert result.exit_code == 0, result.output
    assert sum(line.startswith("#") for line in result.output.splitlines()) == 5


def test_demo_retrieve_prints_top_k(tmp_path: Path) -> None:
    save_checkpoint(RetrievalModel(RetrievalConfig(transformer=SMALL_TRANSFORMER, inputs=SMALL_INPUTS)), tmp_path / "r")
    args = ["phoenix", "demo-retrieve", "--checkpoint", str(tmp_path / "r"), "--corpus-size", "50", "--top-k", "4"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = result.output.splitlines()[1:]
    assert len(rows) == 4
    scores = [float(r.split()[-1]) for r in rows]
    assert scores == sorted(scores, reverse=True)


def test_bench_ranker_prints_one_json_object() -> None:
    result = runner.invoke(
        app, ["bench", "ranker", "--json", "--repeats", "3", "-c", "4", "-c", "16", "--threads", "1"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [r["candidates"] for r in doc["results"]] == [4, 16]
    for r in doc["results"]:
        assert set(r) == {"candidates", "prefix_p50_ms", "prefix_p90_ms", "naive_p50_ms", "speedup"}
        assert 0 < r["prefix_p50_ms"] <= r["prefix_p90_ms"]
    assert doc["peak_rss_mb"] > 0
