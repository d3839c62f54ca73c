"""Checkpoints (SPEC §5.9): a directory with `model.safetensors` (float32, our state_dict names) and
`config.json` (model config, actions, surfaces, hash family and seeds, vocab sizes, attention and
position modes, dwell transform, step, code version).

Loading reads JSON and safetensors only — nothing is ever unpickled — rebuilds the model from the
config, and refuses any mismatch: unknown format or hash family, a different expected config, missing
or unexpected tensors, wrong shapes or dtypes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from foryou import __version__
from foryou.core.actions import ACTION_NAMES, ProductSurface
from foryou.core.errors import ConfigError, CorruptDataError
from foryou.phoenix.config import PhoenixConfig, RetrievalConfig
from foryou.phoenix.hashing import HASH_FAMILY, HashKind, hash_seed
from foryou.phoenix.ranker import PhoenixRanker
from foryou.phoenix.retrieval import RetrievalModel

FORMAT = "foryou-phoenix-checkpoint"
FORMAT_VERSION = 1
WEIGHTS = "model.safetensors"
CONFIG = "config.json"
DWELL_TRANSFORM = "dwell_time_s = expm1(clamp(logit_18, 0, log1p(dwell_time_cap_s)))"

PhoenixModel = PhoenixRanker | RetrievalModel


def _config_json(model: PhoenixModel, step: int) -> dict[str, Any]:
    cfg = model.config
    inputs = cfg.inputs
    seeds = {
        kind.name.lower(): [hash_seed(kind, k) for k in range(n)]
        for kind, n in (
            (HashKind.USER, inputs.num_user_hashes),
            (HashKind.POST, inputs.num_item_hashes),
            (HashKind.AUTHOR, inputs.num_author_hashes),
        )
    }
    doc: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model_kind": "ranker" if isinstance(model, PhoenixRanker) else "retrieval",
        "config": cfg.to_dict(),
        "actions": list(ACTION_NAMES),
        "surfaces": [s.name.lower() for s in ProductSurface],
        "hash_family": inputs.hash_family,
        "hash_seeds": seeds,
        "vocab": {"user": inputs.vocab_user, "post": inputs.vocab_post, "author": inputs.vocab_author},
        "step": step,
        "code_version": __version__,
    }
    if isinstance(cfg, PhoenixConfig):
        doc["prefix_attention"] = cfg.prefix_attention
        doc["candidate_positions"] = cfg.candidate_positions
        doc["dwell_transform"] = DWELL_TRANSFORM
    return doc


def save_checkpoint(model: PhoenixModel, directory: Path, *, step: int = 0) -> Path:
    """Write both files atomically (temporary name, then rename) and return the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().to(torch.float32).contiguous().cpu() for k, v in model.state_dict().items()}
    tmp_weights, tmp_config = directory / (WEIGHTS + ".tmp"), directory / (CONFIG + ".tmp")
    save_file(tensors, str(tmp_weights), metadata={"format": FORMAT})
    tmp_config.write_text(json.dumps(_config_json(model, step), indent=2, sort_keys=True))
    os.replace(tmp_weights, directory / WEIGHTS)
    os.replace(tmp_config, directory / CONFIG)
    return directory


def read_checkpoint_config(directory: Path) -> dict[str, Any]:
    path = directory / CONFIG
    try:
        doc: dict[str, Any] = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise CorruptDataError(f"{path}: cannot read checkpoint config: {exc}") from exc
    if doc.get("format") != FORMAT or doc.get("format_version") != FORMAT_VERSION:
        raise CorruptDataError(f"{path}: not a {FORMAT} v{FORMAT_VERSION} checkpoint")
    if doc.get("hash_family") != HASH_FAMILY:
        raise ConfigError(f"{path}: hash family {doc.get('hash_family')!r}, this code implements {HASH_FAMILY!r}")
    return doc


def load_checkpoint(directory: Path, *, expect: PhoenixConfig | RetrievalConfig | None = None) -> PhoenixModel:
    """Rebuild the model stored in `directory`; with `expect`, refuse a checkpoint of any other config."""
    doc = read_checkpoint_config(directory)
    kind = doc.get("model_kind")
    config: PhoenixConfig | RetrievalConfig
    if kind == "ranker":
        config = PhoenixConfig.from_dict(doc["config"])
    elif kind == "retrieval":
        config = RetrievalConfig.from_dict(doc["config"])
    else:
        raise CorruptDataError(f"{directory / CONFIG}: unknown model_kind {kind!r}")
    if expect is not None and expect != config:
        raise ConfigError(f"{directory}: checkpoint config {config} does not match the expected {expect}")
    model: PhoenixModel = PhoenixRanker(config) if isinstance(config, PhoenixConfig) else RetrievalModel(config)
    try:
        tensors = load_file(str(directory / WEIGHTS))
    except (OSError, SafetensorError) as exc:
        raise CorruptDataError(f"{directory / WEIGHTS}: cannot read weights: {exc}") from exc
    _check_tensors(model, tensors, directory)
    model.load_state_dict(tensors, strict=True)
    model.eval()
    return model


def _check_tensors(model: PhoenixModel, tensors: dict[str, torch.Tensor], directory: Path) -> None:
    state = model.state_dict()
    missing, extra = sorted(set(state) - set(tensors)), sorted(set(tensors) - set(state))
    if missing or extra:
        raise CorruptDataError(f"{directory / WEIGHTS}: missing tensors {missing}, unexpected {extra}")
    for name, value in tensors.items():
        if value.shape != state[name].shape or value.dtype != torch.float32:
            raise CorruptDataError(
                f"{directory / WEIGHTS}: {name} is {value.dtype} {tuple(value.shape)}, "
                f"the config needs float32 {tuple(state[name].shape)}"
            )
