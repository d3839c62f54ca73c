"""`foryou world stats`: distributions of a generated world, read from its Parquet snapshot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from foryou.core.actions import EventAction
from foryou.world.features import KIND_ORIGINAL, KIND_QUOTE, KIND_REPLY, KIND_REPOST

_PERCENTILES = (50, 90, 99, 99.9)


def distribution(values: np.ndarray) -> dict[str, float]:
    """Summary of a non-negative count distribution (mean, percentiles, max)."""
    if len(values) == 0:
        return {"n": 0}
    out: dict[str, float] = {"n": len(values), "mean": round(float(values.mean()), 3)}
    for p in _PERCENTILES:
        out[f"p{p:g}"] = float(np.percentile(values, p))
    out["max"] = float(values.max())
    return out


def world_stats(directory: str | Path) -> dict[str, Any]:
    d = Path(directory)
    meta = json.loads((d / "world.json").read_text())
    users = meta["config"]["users"]
    follows = pq.read_table(d / "follows.parquet", columns=["source_user_id", "target_user_id"])
    src = follows.column("source_user_id").to_numpy().astype(np.int64)
    dst = follows.column("target_user_id").to_numpy().astype(np.int64)
    posts = pq.read_table(d / "posts.parquet", columns=["author_id", "kind", "media", "subscriber_only", "label"])
    kinds = np.bincount(posts.column("kind").to_numpy(), minlength=4)
    authored = posts.column("author_id").to_numpy().astype(np.int64)
    eng = pq.read_table(d / "engagements.parquet", columns=["action", "product_surface"])
    actions = np.bincount(eng.column("action").to_numpy(), minlength=20)
    surfaces = np.bincount(eng.column("product_surface").to_numpy(), minlength=16)
    labels = np.bincount(posts.column("label").to_numpy(), minlength=6)
    return {
        "users": users,
        "days": meta["config"]["days"],
        "posts": posts.num_rows,
        "engagements": eng.num_rows,
        "follow_edges": follows.num_rows,
        "out_degree": distribution(np.bincount(src, minlength=users + 1)[1:]),
        "in_degree": distribution(np.bincount(dst, minlength=users + 1)[1:]),
        "posts_per_author": distribution(np.bincount(authored, minlength=users + 1)[1:]),
        "post_kinds": {
            "original": int(kinds[KIND_ORIGINAL]),
            "reply": int(kinds[KIND_REPLY]),
            "repost": int(kinds[KIND_REPOST]),
            "quote": int(kinds[KIND_QUOTE]),
            "video": int((posts.column("media").to_numpy() == 2).sum()),
            "subscriber_only": int(posts.column("subscriber_only").to_numpy().sum()),
        },
        "safety_labels": {name: int(labels[v]) for name, v in (("spam", 2), ("violence", 3), ("gore", 4), ("nsfw", 5))},
        "actions": {EventAction(a).name.lower(): int(actions[a]) for a in range(1, 20) if actions[a]},
        "surfaces": {str(s): int(c) for s, c in enumerate(surfaces.tolist()) if c},
        "blocks": pq.read_metadata(d / "blocks.parquet").num_rows,
        "mutes": pq.read_metadata(d / "mutes.parquet").num_rows,
        "subscriptions": pq.read_metadata(d / "subscriptions.parquet").num_rows,
        "muted_keywords": pq.read_metadata(d / "muted_keywords.parquet").num_rows,
    }
