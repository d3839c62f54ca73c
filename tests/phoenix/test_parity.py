"""Golden parity: the public fixtures, synthetic fixtures of other configs, and failure on corruption."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from foryou.cli.main import app
from foryou.phoenix import run_parity
from foryou.phoenix.golden import read_golden, write_golden
from foryou.phoenix.reference.synthetic import synthetic_config, synthetic_golden

runner = CliRunner()


@pytest.mark.parametrize("name", ["phoenix_v1_ranker.npz", "phoenix_v1_retrieval.npz"])
def test_public_golden_files_pass(golden_dir: Path, name: str) -> None:
    result = runner.invoke(app, ["phoenix", "parity", str(golden_dir / name), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["ok"] is True and doc["max_abs_err"] <= 1e-4
    assert doc["file"].endswith(name)
    assert all(v["ok"] for v in doc["per_output"].values())


@pytest.mark.parametrize("kind", ["ranker", "retrieval"])
def test_other_config_passes(tmp_path: Path, kind: str) -> None:
    """Hq=4, Hkv=2, dk=16, D=48 (Hq·dk ≠ D), 3 layers, 3 user/item hashes, a fully padded user."""
    path = tmp_path / f"{kind}.npz"
    write_golden(path, synthetic_golden(synthetic_config(kind), seed=7))
    report = run_parity(path)
    assert report.ok, report.to_json()
    assert "intermediate/decoder_layer_2_out" in report.per_output


def test_single_head_deep_config_passes(tmp_path: Path) -> None:
    cfg = synthetic_config(
        "ranker", num_q_heads=3, num_kv_heads=1, key_size=10, emb_size=24, num_layers=4, widening_factor=3,
        num_user_hashes=1, num_item_hashes=1, num_author_hashes=3, history_seq_len=3, candidate_seq_len=1,
    )  # fmt: skip
    write_golden(tmp_path / "g.npz", synthetic_golden(cfg, seed=3))
    result = runner.invoke(app, ["phoenix", "parity", str(tmp_path / "g.npz")])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("kind", "output"),
    [("ranker", "logits"), ("ranker", "ranked_indices"), ("retrieval", "user_norm"), ("retrieval", "top_k_indices")],
)
def test_corrupted_output_fails(tmp_path: Path, kind: str, output: str) -> None:
    golden = synthetic_golden(synthetic_config(kind), seed=1)
    value = golden.outputs[output]
    if value.dtype.kind == "i":
        value[:, [0, 1]] = value[:, [1, 0]]
    else:
        value.flat[-1] += 1e-3 * max(1.0, abs(float(value.flat[-1])))
    path = tmp_path / "bad.npz"
    write_golden(path, golden)
    result = runner.invoke(app, ["phoenix", "parity", str(path), "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert doc["ok"] is False and doc["per_output"][output]["ok"] is False


def test_wrong_parameter_shape_is_an_error(tmp_path: Path) -> None:
    golden = synthetic_golden(synthetic_config("retrieval"), seed=1)
    key = "transformer/decoder_layer_0/multi_head_attention/key/w"
    golden.params[key] = np.zeros((golden.params[key].shape[0], 8), dtype=np.float32)
    write_golden(tmp_path / "bad.npz", golden)
    result = runner.invoke(app, ["phoenix", "parity", str(tmp_path / "bad.npz")])
    assert result.exit_code == 2
    assert read_golden(tmp_path / "bad.npz").config["model_kind"] == "retrieval"
