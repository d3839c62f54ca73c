"""Store snapshots: everything in the PostStore plus the offsets it reflects, in one .npz file.

Restart = load the newest snapshot, then consume from its offsets (SPEC §4.7 "Restart without
loss"): posts in retention are either in the snapshot or after its offsets, and only the tail is
replayed. Arrays are copied under the store lock and written outside it; the file is written to a
temporary name and renamed, so a crash never leaves half a snapshot.
"""

from __future__ import annotations

import heapq
import json
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import numpy.typing as npt

from foryou.core.errors import CorruptDataError
from foryou.thunder.config import StoreConfig
from foryou.thunder.id_table import IdTable
from foryou.thunder.post_store import KINDS, LIVE, PostStore
from foryou.thunder.timelines import ranges
from foryou.transport.record import TopicPartition

SNAPSHOT_FILE = "thunder-store.npz"
_VERSION = 1


def save_snapshot(store: PostStore, offsets: Mapping[TopicPartition, int], directory: Path) -> Path:
    """Write store + offsets atomically into `directory`; returns the file path. `offsets` is read
    under the store lock (the ingestor updates its applied offsets under that lock)."""
    with store.lock:
        arrays = _capture(store)
        offsets = dict(offsets)
        arrays["meta"] = np.frombuffer(
            json.dumps({"version": _VERSION, "offsets": [[t, p, o] for (t, p), o in offsets.items()]}).encode(),
            dtype=np.uint8,
        )
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / SNAPSHOT_FILE
    tmp = directory / (SNAPSHOT_FILE + ".tmp")
    with tmp.open("wb") as f:
        np.savez(f, **arrays)  # type: ignore[arg-type]
    os.replace(tmp, final)
    return final


def _capture(store: PostStore) -> dict[str, npt.NDArray[np.generic]]:
    pool = store.timelines
    n = store.used
    out: dict[str, npt.NDArray[np.generic]] = {f"col_{k}": v[:n].copy() for k, v in store.cols.items()}
    tls = np.flatnonzero(pool.length > 0)
    out["tl_ids"] = tls
    out["tl_lengths"] = pool.length[tls].copy()
    out["tl_entries"] = pool.pool[ranges(pool.start[tls], pool.length[tls])].copy()
    out["author_ids"] = store.author_ids.copy()
    tomb = np.array(store.tombstones, dtype=np.int64).reshape(-1, 2)
    out["tombstones"] = tomb
    out["deleted"] = np.fromiter(store.deleted, dtype=np.uint64, count=len(store.deleted))
    return out


def load_snapshot(directory: Path, config: StoreConfig) -> tuple[PostStore, dict[TopicPartition, int]] | None:
    """The store and offsets of the snapshot in `directory`, or None if there is none."""
    path = directory / SNAPSHOT_FILE
    if not path.exists():
        return None
    try:
        with np.load(path) as data:
            arrays = {k: data[k] for k in data.files}
        meta = json.loads(arrays.pop("meta").tobytes())
    except (OSError, ValueError, KeyError) as exc:
        raise CorruptDataError(f"{path}: unreadable snapshot: {exc}") from exc
    if meta.get("version") != _VERSION:
        raise CorruptDataError(f"{path}: snapshot version {meta.get('version')} is not {_VERSION}")
    store = _restore(arrays, config)
    offsets = {(t, int(p)): int(o) for t, p, o in meta["offsets"]}
    return store, offsets


def _restore(arrays: dict[str, npt.NDArray[np.generic]], config: StoreConfig) -> PostStore:
    used = int(arrays["col_flags"].shape[0])
    store = PostStore(config, capacity=max(used, 16))
    for name in store.cols:
        store.cols[name][:used] = arrays[f"col_{name}"]
    store.used = used
    live = np.flatnonzero(store.flags[:used] & LIVE)
    store.live = int(live.shape[0])
    store.ids = IdTable(max(store.live, 16))
    store.ids.put_many(store.col_u64("post_id")[live], live.astype(np.int32))
    author_ids: npt.NDArray[np.uint64] = arrays["author_ids"]  # type: ignore[assignment]
    store.author_ids = author_ids.copy()
    present = np.flatnonzero(author_ids != 0)
    store.author_index = IdTable(max(present.shape[0], 16))
    store.author_index.put_many(author_ids[present], present.astype(np.int32))
    store.free_authors = [ai for ai in range(author_ids.shape[0] - 1, -1, -1) if author_ids[ai] == 0]
    pool = store.timelines
    pool.ensure_timelines(author_ids.shape[0] * KINDS)
    tls: npt.NDArray[np.int64] = arrays["tl_ids"]  # type: ignore[assignment]
    pool.length[tls] = arrays["tl_lengths"]
    pool.pool = arrays["tl_entries"].astype(np.int32)
    pool.start[tls] = np.cumsum(pool.length[tls]) - pool.length[tls]
    pool.cap[tls] = pool.length[tls]
    pool.top = int(pool.pool.shape[0])
    pool.repack()
    store.deleted = set(arrays["deleted"].tolist())
    store.tombstones = [(int(a), int(b)) for a, b in arrays["tombstones"].tolist()]
    heapq.heapify(store.tombstones)
    quoted = store.col_u64("quoted_post_id")[:used]
    for slot in np.flatnonzero(quoted != 0).tolist():
        store.quotes.setdefault(int(quoted[slot]), []).append(slot)
    return store
