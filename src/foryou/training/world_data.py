"""Training examples of a synthetic world (Parquet shards of `foryou.data.build_examples`) as Phoenix batches.

`ensure_examples` builds `<work>/ranking` and `<work>/retrieval` from `<world>/events` once. `RankingTable`
and `RetrievalTable` hold one split's rows as padded numpy arrays of raw ids; `prefix_of` / `candidates_of`
hash a selection of rows with the model's hash family (SPEC §5.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import torch

from foryou.data import ExampleConfig, build_examples
from foryou.events import read_event_dir
from foryou.phoenix import CandidateBatch, InputConfig, PrefixBatch, hash_authors, hash_posts, hash_users

NUM_HEADS = 18


def ensure_examples(world: Path, work: Path, cfg: ExampleConfig) -> Path:
    """`work` holding ranking/ and retrieval/ shards, built from `world/events` when absent."""
    if not (work / "ranking").is_dir() or not (work / "retrieval").is_dir():
        build_examples(read_event_dir(world / "events"), work, cfg)
    return work


def _read(directory: Path, split: str) -> pa.Table:
    files = sorted(directory.glob(f"{split}-*.parquet"))
    return pa.concat_tables([pq.read_table(f) for f in files]) if files else pa.table({})


def _padded(column: pa.ChunkedArray, width: int, dtype: type, *, keep_last: bool = True) -> np.ndarray:
    """A list column as [N, width] (the last `width` entries of each list, right-padded with 0)."""
    rows = column.to_pylist()
    out: np.ndarray = np.zeros((len(rows), width), dtype=dtype)
    for i, values in enumerate(rows):
        values = values[-width:] if keep_last else values[:width]
        out[i, : len(values)] = values
    return out


@dataclass(frozen=True)
class HistoryArrays:
    user: np.ndarray  # [N] uint64
    posts: np.ndarray  # [N, S] uint64
    authors: np.ndarray  # [N, S] uint64
    bits: np.ndarray  # [N, S] int64 action bits
    surfaces: np.ndarray  # [N, S] int64


def _history(table: pa.Table, s: int) -> HistoryArrays:
    return HistoryArrays(
        user=table.column("user_id").to_numpy().astype(np.uint64),
        posts=_padded(table.column("history_post_ids"), s, np.uint64),
        authors=_padded(table.column("history_author_ids"), s, np.uint64),
        bits=_padded(table.column("history_actions"), s, np.int64),
        surfaces=_padded(table.column("history_surfaces"), s, np.int64),
    )


def prefix_of(h: HistoryArrays, rows: np.ndarray, cfg: InputConfig) -> PrefixBatch:
    bits = h.bits[rows]
    actions = ((bits[..., None] >> np.arange(cfg.num_actions)) & 1).astype(np.float32)
    actions[..., NUM_HEADS] = 0.0  # the dwell_time head is never a history bit
    return PrefixBatch(
        user_hashes=torch.from_numpy(
            hash_users(h.user[rows], num_hashes=cfg.num_user_hashes, vocab_size=cfg.vocab_user).astype(np.int64)
        ),
        history_post_hashes=torch.from_numpy(
            hash_posts(h.posts[rows], num_hashes=cfg.num_item_hashes, vocab_size=cfg.vocab_post).astype(np.int64)
        ),
        history_author_hashes=torch.from_numpy(
            hash_authors(h.authors[rows], num_hashes=cfg.num_author_hashes, vocab_size=cfg.vocab_author).astype(
                np.int64
            )
        ),
        history_actions=torch.from_numpy(actions),
        history_surfaces=torch.from_numpy(h.surfaces[rows]),
    )


def candidates_of(posts: np.ndarray, authors: np.ndarray, surfaces: np.ndarray, cfg: InputConfig) -> CandidateBatch:
    """posts/authors [B, C] uint64 (0 = padding), surfaces [B, C]."""
    return CandidateBatch(
        post_hashes=torch.from_numpy(
            hash_posts(posts, num_hashes=cfg.num_item_hashes, vocab_size=cfg.vocab_post).astype(np.int64)
        ),
        author_hashes=torch.from_numpy(
            hash_authors(authors, num_hashes=cfg.num_author_hashes, vocab_size=cfg.vocab_author).astype(np.int64)
        ),
        surfaces=torch.from_numpy(surfaces.astype(np.int64)),
    )


@dataclass(frozen=True)
class RankingTable:
    history: HistoryArrays
    posts: np.ndarray  # [N, C] uint64
    authors: np.ndarray  # [N, C] uint64
    surfaces: np.ndarray  # [N, C] int64
    labels: np.ndarray  # [N, C] int64 bits over heads 0–17
    dwell_s: np.ndarray  # [N, C] float32, NaN on padding
    times_ms: np.ndarray  # [N] slate time

    def __len__(self) -> int:
        return len(self.history.user)

    @classmethod
    def read(cls, work: Path, split: str, s: int, c: int) -> RankingTable:
        t = _read(work / "ranking", split)
        dwell = _padded(t.column("dwell_s"), c, np.float32, keep_last=False)
        posts = _padded(t.column("candidate_post_ids"), c, np.uint64, keep_last=False)
        return cls(
            history=_history(t, s),
            posts=posts,
            authors=_padded(t.column("candidate_author_ids"), c, np.uint64, keep_last=False),
            surfaces=_padded(t.column("candidate_surfaces"), c, np.int64, keep_last=False),
            labels=_padded(t.column("labels"), c, np.int64, keep_last=False),
            dwell_s=np.where(posts != 0, dwell, np.nan).astype(np.float32),
            times_ms=t.column("time_ms").to_numpy(),
        )


@dataclass(frozen=True)
class RetrievalTable:
    history: HistoryArrays
    post: np.ndarray  # [N] uint64 positive post
    author: np.ndarray  # [N] uint64

    def __len__(self) -> int:
        return len(self.post)

    @classmethod
    def read(cls, work: Path, split: str, s: int) -> RetrievalTable:
        t = _read(work / "retrieval", split)
        return cls(
            history=_history(t, s),
            post=t.column("post_id").to_numpy().astype(np.uint64),
            author=t.column("author_id").to_numpy().astype(np.uint64),
        )
