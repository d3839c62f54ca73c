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
