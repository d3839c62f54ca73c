"""Parquet snapshots of the world: the tables the oracle, `world stats` and the tests read.

Files in the output directory: users, follows, blocks, mutes, subscriptions, muted_keywords (written
once at the end), posts and engagements (streamed, one row group per simulation block), plus
`world.json` with the configuration and counts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from foryou.core.actions import EventAction
from foryou.world.population import Population
from foryou.world.posts import PostTable
from foryou.world.simulate import Impressions
from foryou.world.vocab import Vocabulary, render_texts

POSTS_SCHEMA = pa.schema(
    [
        ("post_id", pa.uint64()),
        ("author_id", pa.uint64()),
        ("created_at_ms", pa.int64()),
        ("kind", pa.int8()),  # 0 original, 1 reply, 2 repost, 3 quote
        ("topic", pa.int16()),
        ("quality", pa.float32()),
        ("original_post_id", pa.uint64()),
        ("target_post_id", pa.uint64()),  # replied / reposted / quoted post, 0 for originals
        ("conversation_id", pa.uint64()),
        ("media", pa.int8()),  # 0 none, 1 photo, 2 video, 3 gif
        ("video_duration_ms", pa.int32()),
        ("subscriber_only", pa.bool_()),
        ("label", pa.int8()),  # safety label trust & safety applies (pb.SafetyLabel), 0 none
        ("label_at_ms", pa.int64()),
        ("true_label", pa.int8()),  # the post's nature, labelled or not
        ("deleted_at_ms", pa.int64()),
        ("words", pa.list_(pa.int32())),  # word ids, hashtags as −id − 2
        ("text", pa.string()),
    ]
)
ENGAGEMENTS_SCHEMA = pa.schema(
    [
        ("user_id", pa.uint64()),
        ("post_id", pa.uint64()),
        ("author_id", pa.uint64()),
        ("action", pa.int8()),  # EventAction: head + 1, 19 = impression
        ("product_surface", pa.int8()),
        ("impression_time_ms", pa.int64()),
        ("engaged_time_ms", pa.int64()),  # 0 for impressions
        ("dwell_ms", pa.int64()),
        ("request_id", pa.string()),
    ]
)


class StreamingTable:
    """A Parquet file written one row group at a time."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.schema = schema
        self._writer = pq.ParquetWriter(path, schema, compression="zstd")
        self.rows = 0

    def write(self, columns: dict[str, Any]) -> None:
        table = pa.table({f.name: pa.array(columns[f.name], type=f.type) for f in self.schema}, schema=self.schema)
        if table.num_rows:
            self._writer.write_table(table)
            self.rows += table.num_rows

    def close(self) -> None:
        self._writer.close()


def words_column(words: np.ndarray) -> pa.Array:
    """[P, W] padded word ids → a list column without the padding."""
    lengths = (words != -1).sum(axis=1)
    offsets = np.r_[0, np.cumsum(lengths)].astype(np.int32)
    flat = words[np.arange(words.shape[1])[None, :] < lengths[:, None]]
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(flat.astype(np.int32)))


def write_table(path: Path, columns: dict[str, Any]) -> None:
    pq.write_table(pa.table(columns), path, compression="zstd")


def read_table(directory: Path, name: str, columns: list[str] | None = None) -> pa.Table:
    return pq.read_table(directory / f"{name}.parquet", columns=columns)


def post_rows(t: PostTable, idx: np.ndarray, vocab: Vocabulary, end_ms: int) -> dict[str, Any]:
    """Posts-table columns for rows `idx`; labels and deletions count only if they happen before the end."""
    target = t["target"][idx]
    label_at = t["label_at_ms"][idx]
    applied = (label_at > 0) & (label_at < end_ms)
    deleted = t["deleted_ms"][idx]
    return {
        "post_id": t["post_id"][idx],
        "author_id": t["author"][idx] + 1,
        "created_at_ms": t["created_ms"][idx],
        "kind": t["kind"][idx],
        "topic": t["topic"][idx],
        "quality": t["quality"][idx],
        "original_post_id": t["post_id"][t["original"][idx]],
        "target_post_id": np.where(target >= 0, t["post_id"][np.maximum(target, 0)], 0),
        "conversation_id": t["conversation"][idx],
        "media": t["media"][idx],
        "video_duration_ms": t["video_ms"][idx],
        "subscriber_only": t["subscriber_only"][idx],
        "label": np.where(applied, t["label"][idx], 0),
        "label_at_ms": np.where(applied, label_at, 0),
        "true_label": t["true_label"][idx],
        "deleted_at_ms": np.where(deleted < end_ms, deleted, 0),
        "words": words_column(t.word_ids[idx]),
        "text": render_texts(t.word_ids[idx], vocab),
    }


def engagement_rows(
    t: PostTable, imp: Impressions, act_vals: np.ndarray, act_rows: np.ndarray, times: np.ndarray, request_prefix: str
) -> dict[str, Any]:
    """Engagements-table columns, one row per emitted EngagementEvent (same order)."""
    posts = imp.post[act_rows]
    is_imp = act_vals == int(EventAction.IMPRESSION)
    return {
        "user_id": imp.user[act_rows] + 1,
        "post_id": t["post_id"][posts],
        "author_id": t["author"][posts] + 1,
        "action": act_vals,
        "product_surface": imp.surface[act_rows],
        "impression_time_ms": imp.time_ms[act_rows],
        "engaged_time_ms": np.where(is_imp, 0, times),
        "dwell_ms": np.where(is_imp, imp.dwell_ms[act_rows], 0),
        "request_id": [f"{request_prefix}{s}" for s in imp.session[act_rows].tolist()],
    }


def _ids(a: np.ndarray) -> np.ndarray:
    return (a + 1).astype(np.uint64)


def write_final_tables(
    out: Path, pop: Population, names: list[str], edges: dict[str, list[np.ndarray]], vocab: Vocabulary
) -> None:
    """users, follows / blocks / mutes (every edge with its time), subscriptions, muted_keywords."""
    write_table(
        out / "users.parquet",
        {
            "user_id": np.arange(1, pop.size + 1, dtype=np.uint64),
            "screen_name": names,
            "created_at_ms": pop.created_at_ms,
            "main_topic": pop.main_topic,
            "quality": pop.quality,
            "activity": pop.activity,
            "post_rate": pop.post_rate,
            "is_spammer": pop.is_spammer,
            "is_creator": pop.is_creator,
            "interests": list(pop.interests),
        },
    )
    for name, parts in edges.items():
        e = np.concatenate(parts) if parts else np.zeros((0, 3), dtype=np.int64)
        write_table(
            out / f"{name}.parquet",
            {
                "source_user_id": _ids(e[:, 0]),
                "target_user_id": _ids(e[:, 1]),
                "created_at_ms": e[:, 2].astype(np.int64),
            },
        )
    s = pop.subscriptions
    write_table(out / "subscriptions.parquet", {"subscriber_id": _ids(s[:, 0]), "creator_id": _ids(s[:, 1])})
    mk = sorted((u, w) for u, ws in pop.muted_words.items() for w in ws)
    write_table(
        out / "muted_keywords.parquet",
        {
            "user_id": np.array([u + 1 for u, _ in mk], dtype=np.uint64),
            "word_id": np.array([w for _, w in mk], dtype=np.int32),
            "keyword": [vocab.words[w] for _, w in mk],
        },
    )
