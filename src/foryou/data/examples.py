"""Training examples from the event stream (SPEC §5.8), written as Parquet shards.

One pass reads the events into compact columns: every user action (engagements, plus the reply /
repost / quote actions derived from the actor's posts), re-attributed from reposts to their originals
as the UserActionStore does. Then, user by user in time order:

- impressions are grouped into **slates** (same request id, else same 5-minute window from the
  slate's first impression), at most `candidate_len` per slate;
- a slate's **history** is the UAS (events/uas.py) of the user's actions strictly before the slate's
  first impression, so no action at or after any of its impressions can leak in;
- each candidate's **labels** are the bits of the user's actions on that post within
  `label_window_ms` from its impression (dwell bit also from the impression's dwell_ms); its dwell
  target is the impression's dwell in seconds;
- **retrieval examples** pair the history with each impressed post whose labels include a
  positive-action head.

Rows are split by the slate time into train / validation / test at fixed fractions of the stream's
time span. Ties in time are broken by stream order. No randomness is involved, so the output is a
pure function of the input stream and the configuration.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from foryou._proto.foryou.events.v1 import events_pb2 as pb
from foryou.core.actions import Action, EventAction
from foryou.events import RawAction, UasAggregator, UasConfig, action_bits, raw_actions
from foryou.params import Params

SLATE_WINDOW_MS = 300_000
_COLUMN_NAMES = ("user", "post", "author", "served", "action", "surface", "time", "dwell", "request")
_UserCols = dict[str, list[int]]  # one user's action columns, in time order
SPLITS = ("train", "validation", "test")
_IMPRESSION = int(EventAction.IMPRESSION)
_DWELL_BIT = 1 << int(Action.DWELL)

HISTORY_FIELDS = [
    ("history_post_ids", pa.list_(pa.uint64())),
    ("history_author_ids", pa.list_(pa.uint64())),
    ("history_actions", pa.list_(pa.int32())),  # bit i = head i (SPEC §5.1)
    ("history_surfaces", pa.list_(pa.int8())),
]
RANKING_SCHEMA = pa.schema(
    [
        ("user_id", pa.uint64()),
        ("request_id", pa.string()),
        ("time_ms", pa.int64()),
        *HISTORY_FIELDS,
        ("candidate_post_ids", pa.list_(pa.uint64())),  # originals (reposts re-attributed)
        ("candidate_author_ids", pa.list_(pa.uint64())),
        ("candidate_served_ids", pa.list_(pa.uint64())),  # the post actually impressed
        ("candidate_surfaces", pa.list_(pa.int8())),
        ("candidate_times_ms", pa.list_(pa.int64())),
        ("labels", pa.list_(pa.int32())),  # bits over heads 0–17
        ("dwell_s", pa.list_(pa.float32())),  # head 18 target
    ]
)
RETRIEVAL_SCHEMA = pa.schema(
    [
        ("user_id", pa.uint64()),
        ("time_ms", pa.int64()),
        *HISTORY_FIELDS,
        ("post_id", pa.uint64()),
        ("author_id", pa.uint64()),
        ("labels", pa.int32()),
    ]
)


@dataclass(frozen=True)
class ExampleConfig:
    uas: UasConfig = field(default_factory=lambda: UasConfig(max_sequence_length=128))
    candidate_len: int = 32
    label_window_ms: int = 86_400_000
    positive_bits: int = 1 << int(Action.FAVORITE)
    split_fractions: tuple[float, float] = (0.8, 0.9)  # train < 0.8 ≤ validation < 0.9 ≤ test
    shard_rows: int = 50_000

    @classmethod
    def from_params(cls, params: Params) -> ExampleConfig:
        bits = 0
        for head in params.get_str_list("train.retrieval.positive_actions"):
            bits |= 1 << int(Action[head.upper()])
        return cls(
            uas=UasConfig(
                window_ms=params.get_int("uas.window_ms"),
                dwell_threshold_ms=params.get_int("uas.dwell_threshold_ms"),
                max_sequence_length=params.get_int("phoenix.history_seq_len"),
            ),
            candidate_len=params.get_int("phoenix.candidate_seq_len"),
            label_window_ms=1000 * params.get_int("train.label_window_s"),
            positive_bits=bits,
        )


@dataclass
class _Columns:
    """Every user action of the stream, in stream order."""

    user: array[int] = field(default_factory=lambda: array("q"))
    post: array[int] = field(default_factory=lambda: array("q"))
    author: array[int] = field(default_factory=lambda: array("q"))
    served: array[int] = field(default_factory=lambda: array("q"))
    action: array[int] = field(default_factory=lambda: array("b"))
    surface: array[int] = field(default_factory=lambda: array("b"))
    time: array[int] = field(default_factory=lambda: array("q"))
    dwell: array[int] = field(default_factory=lambda: array("q"))
    request: array[int] = field(default_factory=lambda: array("q"))  # index into requests, −1 none
    requests: list[str] = field(default_factory=list)


def collect(events: Iterable[pb.Event]) -> _Columns:
    """Read the stream once into columns, re-attributing actions on reposts to the original."""
    cols = _Columns()
    originals: dict[int, tuple[int, int]] = {}
    request_index: dict[str, int] = {}
    for event in events:
        kind = event.WhichOneof("payload")
        if kind == "post_created" and event.post_created.repost_of_post_id:
            p = event.post_created
            originals[p.post_id] = originals.get(p.repost_of_post_id, (p.repost_of_post_id, p.repost_of_user_id))
        if kind == "engagement":
            _append_engagement(cols, event, originals, request_index)
            continue
        if kind != "post_created":
            continue
        user, acts = raw_actions(event)
        for raw in acts:
            post, author = originals.get(raw.post_id, (raw.post_id, raw.author_id))
            cols.user.append(user)
            cols.post.append(post)
            cols.author.append(author)
            cols.served.append(raw.post_id)
            cols.action.append(raw.action)
            cols.surface.append(raw.product_surface)
            cols.time.append(raw.time_ms)
            cols.dwell.append(raw.dwell_ms)
            cols.request.append(-1)
    cols.requests = list(request_index)
    return cols


def _append_engagement(
    cols: _Columns, event: pb.Event, originals: dict[int, tuple[int, int]], request_index: dict[str, int]
) -> None:
    """The hot path of `collect`: one engagement, without building intermediate objects."""
    e = event.engagement
    post, author = originals.get(e.post_id, (e.post_id, e.author_id))
    cols.user.append(e.user_id)
    cols.post.append(post)
    cols.author.append(author)
    cols.served.append(e.post_id)
    cols.action.append(e.action)
    cols.surface.append(e.product_surface)
    cols.time.append(e.engaged_time_ms or e.impression_time_ms or event.event_time_ms)
    cols.dwell.append(e.dwell_ms)
    req = e.request_id
    cols.request.append(request_index.setdefault(req, len(request_index)) if req else -1)


class _ShardWriter:
    def __init__(self, directory: Path, schema: pa.Schema, shard_rows: int) -> None:
        self.directory, self.schema, self.shard_rows = directory, schema, shard_rows
        directory.mkdir(parents=True, exist_ok=True)
        self.rows: dict[str, list[dict[str, Any]]] = {s: [] for s in SPLITS}
        self.shards = dict.fromkeys(SPLITS, 0)
        self.counts = dict.fromkeys(SPLITS, 0)

    def add(self, split: str, row: dict[str, Any]) -> None:
        self.rows[split].append(row)
        if len(self.rows[split]) >= self.shard_rows:
            self._flush(split)

    def _flush(self, split: str) -> None:
        rows = self.rows[split]
        table = pa.Table.from_pylist(rows, schema=self.schema)
        pq.write_table(table, self.directory / f"{split}-{self.shards[split]:05d}.parquet", compression="zstd")
        self.shards[split] += 1
        self.counts[split] += len(rows)
        self.rows[split] = []

    def close(self) -> dict[str, int]:
        for split in SPLITS:
            if self.rows[split] or self.shards[split] == 0:
                self._flush(split)
        return dict(self.counts)


@dataclass
class ExampleCounts:
    ranking: dict[str, int]
    retrieval: dict[str, int]
    split_times_ms: tuple[int, int]


def _history(agg: UasAggregator) -> dict[str, list[int]]:
    acts = agg.actions()
    return {
        "history_post_ids": [a.post_id for a in acts],
        "history_author_ids": [a.author_id for a in acts],
        "history_actions": [a.bits for a in acts],
        "history_surfaces": [a.product_surface for a in acts],
    }


def _slates(rows: list[int], c: _UserCols, cap: int) -> list[list[int]]:
    """Impression rows (time-ordered) grouped by request id, else by 5-minute window; ≤ cap each."""
    groups: dict[tuple[int, int], list[int]] = {}
    window_start = -1
    for r in rows:
        req = c["request"][r]
        if req >= 0:
            key = (0, req)
        else:
            if window_start < 0 or c["time"][r] - window_start > SLATE_WINDOW_MS:
                window_start = c["time"][r]
            key = (1, window_start)
        groups.setdefault(key, []).append(r)
    out = [g[i : i + cap] for g in groups.values() for i in range(0, len(g), cap)]
    out.sort(key=lambda g: (c["time"][g[0]], g[0]))
    return out


class _LabelIndex:
    """Per post, the times and bits of the user's non-impression actions, for window look-ups."""

    def __init__(self, rows: list[int], c: _UserCols, threshold: int) -> None:
        self.threshold = threshold
        self.by_post: dict[int, tuple[list[int], list[int]]] = {}
        for r in rows:
            if c["action"][r] != _IMPRESSION:
                raw = RawAction(0, 0, c["action"][r], dwell_ms=c["dwell"][r])
                times, bits = self.by_post.setdefault(c["post"][r], ([], []))
                times.append(c["time"][r])
                bits.append(action_bits(raw, threshold))

    def labels(self, post: int, t: int, dwell_ms: int, window_ms: int) -> int:
        bits = _DWELL_BIT if dwell_ms >= self.threshold and dwell_ms > 0 else 0
        times, post_bits = self.by_post.get(post, ([], []))
        for b in post_bits[bisect.bisect_left(times, t) : bisect.bisect_right(times, t + window_ms)]:
            bits |= b
        return bits


def _raw(r: int, c: _UserCols) -> RawAction:
    return RawAction(
        c["post"][r],
        c["author"][r],
        c["action"][r],
        c["surface"][r],
        engaged_time_ms=c["time"][r],
        dwell_ms=c["dwell"][r],
    )


def _user_examples(
    c: _UserCols, cfg: ExampleConfig, uid: int, requests: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(ranking rows, retrieval rows) of one user; `c` holds the user's actions in time order."""
    row_list = list(range(len(c["time"])))
    index = _LabelIndex(row_list, c, cfg.uas.dwell_threshold_ms)
    impressions = [r for r in row_list if c["action"][r] == _IMPRESSION]
    agg = UasAggregator(cfg.uas)
    nxt, ranking, retrieval = 0, [], []
    for slate in _slates(impressions, c, cfg.candidate_len):
        start = c["time"][slate[0]]
        while nxt < len(row_list) and c["time"][row_list[nxt]] < start:
            agg.add(_raw(row_list[nxt], c))
            nxt += 1
        history = _history(agg)
        labels = [index.labels(c["post"][r], c["time"][r], c["dwell"][r], cfg.label_window_ms) for r in slate]
        for r, bits in zip(slate, labels, strict=True):
            if bits & cfg.positive_bits:
                retrieval.append(
                    {
                        "user_id": uid,
                        "time_ms": c["time"][r],
                        **history,
                        "post_id": c["post"][r],
                        "author_id": c["author"][r],
                        "labels": bits,
                    }
                )
        req = c["request"][slate[0]]
        ranking.append(
            {
                "user_id": uid,
                "request_id": requests[req] if req >= 0 else "",
                "time_ms": start,
                **history,
                "candidate_post_ids": [c["post"][r] for r in slate],
                "candidate_author_ids": [c["author"][r] for r in slate],
                "candidate_served_ids": [c["served"][r] for r in slate],
                "candidate_surfaces": [c["surface"][r] for r in slate],
                "candidate_times_ms": [c["time"][r] for r in slate],
                "labels": labels,
                "dwell_s": [float(c["dwell"][r]) / 1000.0 for r in slate],
            }
        )
    return ranking, retrieval


def build_examples(events: Iterable[pb.Event], out: str | Path, cfg: ExampleConfig | None = None) -> ExampleCounts:
    """Write `out/ranking/<split>-NNNNN.parquet` and `out/retrieval/<split>-NNNNN.parquet`."""
    cfg = cfg or ExampleConfig()
    out = Path(out)
    cols = collect(events)
    c = {
        name: np.frombuffer(getattr(cols, name), dtype=np.int64 if getattr(cols, name).typecode == "q" else np.int8)
        for name in _COLUMN_NAMES
    }
    imp_times = c["time"][c["action"] == _IMPRESSION]
    t0, t1 = (int(imp_times.min()), int(imp_times.max())) if len(imp_times) else (0, 0)
    cut = (t0 + int((t1 - t0) * cfg.split_fractions[0]), t0 + int((t1 - t0) * cfg.split_fractions[1]))
    ranking = _ShardWriter(out / "ranking", RANKING_SCHEMA, cfg.shard_rows)
    retrieval = _ShardWriter(out / "retrieval", RETRIEVAL_SCHEMA, cfg.shard_rows)
    order = np.lexsort((np.arange(len(c["user"])), c["time"], c["user"]))
    users = c["user"][order]
    bounds = np.flatnonzero(np.r_[True, users[1:] != users[:-1], True])
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        idx = order[a:b]
        # Plain lists per user: indexing them is far cheaper than indexing numpy arrays element-wise.
        local = {name: c[name][idx].tolist() for name in _COLUMN_NAMES}
        rank_rows, retr_rows = _user_examples(local, cfg, int(users[a]), cols.requests)
        for row in rank_rows:
            ranking.add(_split(row["time_ms"], cut), row)
        for row in retr_rows:
            retrieval.add(_split(row["time_ms"], cut), row)
    return ExampleCounts(ranking=ranking.close(), retrieval=retrieval.close(), split_times_ms=cut)


def _split(t: int, cut: tuple[int, int]) -> str:
    return SPLITS[0] if t < cut[0] else SPLITS[1] if t < cut[1] else SPLITS[2]


def label_matrix(bits: Iterable[int]) -> np.ndarray:
    """[N, 18] 0/1 labels from label bitmasks."""
    b = np.fromiter(bits, dtype=np.int64)
    out: np.ndarray = (b[:, None] >> np.arange(18)[None, :]) & 1
    return out
