"""Checkpoints: safetensors + config.json round trip, and every refusal (SPEC §5.9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from foryou.core.errors import ConfigError, CorruptDataError
from foryou.phoenix import (
    PhoenixRanker,
    RetrievalConfig,
    RetrievalModel,
    load_checkpoint,
    read_checkpoint_config,
    save_checkpoint,
)

from .helpers import SMALL_INPUTS, SMALL_TRANSFORMER, random_batch, small_config


def test_ranker_round_trip(tmp_path: Path) -> None:
    model = PhoenixRanker(small_config(prefix_attention="bidirectional")).eval()
    save_checkpoint(model, tmp_path / "ckpt", step=42)
    loaded = load_checkpoint(tmp_path / "ckpt", expect=model.config)
    assert isinstance(loaded, PhoenixRanker) and loaded.config == model.config
    batch = random_batch(SMALL_INPUTS, 2, 3, seed=0)
    with torch.no_grad():
        assert torch.equal(model(batch), loaded(batch))
    doc = read_checkpoint_config(tmp_path / "ckpt")
    assert doc["hash_family"] == "splitmix64-v1"
    assert doc["step"] == 42 and doc["prefix_attention"] == "bidirectional"
    assert doc["candidate_positions"] == "shared" and len(doc["actions"]) == 19 and len(doc["surfaces"]) == 16
    assert doc["vocab"] == {"user": 50, "post": 60, "author": 40}
    assert len(doc["hash_seeds"]["post"]) == SMALL_INPUTS.num_item_hashes


def test_retrieval_round_trip(tmp_path: Path) -> None:
    model = RetrievalModel(RetrievalConfig(transformer=SMALL_TRANSFORMER, inputs=SMALL_INPUTS)).eval()
    loaded = load_checkpoint(save_checkpoint(model, tmp_path / "r"))
    assert isinstance(loaded, RetrievalModel)
    batch = random_batch(SMALL_INPUTS, 2, 3, seed=0)
    with torch.no_grad():
        assert torch.equal(model.encode_user(batch.prefix), loaded.encode_user(batch.prefix))


def test_refuses_other_expected_config(tmp_path: Path) -> None:
    save_checkpoint(PhoenixRanker(small_config()), tmp_path)
    with pytest.raises(ConfigError):
        load_checkpoint(tmp_path, expect=small_config(rank_chunk_size=9))


def test_refuses_wrong_shape_and_missing_tensor(tmp_path: Path) -> None:
    save_checkpoint(PhoenixRanker(small_config()), tmp_path)
    tensors = load_file(str(tmp_path / "model.safetensors"))
    tensors["unembed.weight"] = torch.zeros(19, 5)
    save_file(tensors, str(tmp_path / "model.safetensors"))
    with pytest.raises(CorruptDataError, match="unembed.weight"):
        load_checkpoint(tmp_path)
    del tensors["unembed.weight"]
    save_file(tensors, str(tmp_path / "model.safetensors"))
    with pytest.raises(CorruptDataError, match="missing"):
        load_checkpoint(tmp_path)


def test_refuses_other_hash_family_and_garbage(tmp_path: Path) -> None:
    save_checkpoint(PhoenixRanker(small_config()), tmp_path)
    doc = json.loads((tmp_path / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps({**doc, "hash_family": "murmur3"}))
    with pytest.raises(ConfigError, match="hash family"):
        load_checkpoint(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps(doc))
    (tmp_path / "model.safetensors").write_bytes(b"\x80\x04not a safetensors file")  # e.g. a pickle
    with pytest.raises(CorruptDataError):
        load_checkpoint(tmp_path)
