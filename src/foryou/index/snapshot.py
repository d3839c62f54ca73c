"""Index snapshots: live ids and vectors as safetensors plus a JSON header; never pickled."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load_file, save_file

from foryou.core.errors import CorruptDataError
from foryou.index.table import VectorTable

_VECTORS = "vectors.safetensors"
_META = "index.json"


def save_table(table: VectorTable, directory: Any, *, backend: str, extra: dict[str, Any] | None = None) -> None:
    """Atomic: written under temporary names, then renamed."""
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    ids, vecs = table.live()
    tmp = path / (_VECTORS + ".tmp")
    save_file({"ids": ids, "vectors": vecs}, str(tmp))
    meta = {"backend": backend, "dim": table.dim, "count": len(ids), **(extra or {})}
    (path / (_META + ".tmp")).write_text(json.dumps(meta))
    os.replace(tmp, path / _VECTORS)
    os.replace(path / (_META + ".tmp"), path / _META)


def load_table(directory: Any) -> tuple[VectorTable, dict[str, Any]]:
    path = Path(directory)
    try:
        meta = json.loads((path / _META).read_text())
        tensors = load_file(str(path / _VECTORS))
    except (OSError, ValueError, KeyError, SafetensorError) as exc:
        raise CorruptDataError(f"index snapshot in {path} is unreadable: {exc}") from exc
    ids, vecs = tensors["ids"].astype(np.uint64), tensors["vectors"].astype(np.float32)
    if vecs.shape != (meta["count"], meta["dim"]) or ids.shape != (meta["count"],):
        raise CorruptDataError(f"index snapshot in {path}: shapes {vecs.shape} / {ids.shape} disagree with header")
    table = VectorTable(int(meta["dim"]), capacity=len(ids))
    if len(ids):
        table.add(ids, vecs)
    return table, meta
