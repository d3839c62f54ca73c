"""`foryou world generate`: build the world block by block and stream it to disk.

Per block (6 h by default): sessions show posts created before the block (world/simulate.py), actions
are drawn from the ground truth, authors post new originals, drawn replies / reposts / quotes become
posts, follows / blocks / mutes drawn as actions change the graph, and everything is written as one
time-ordered run of events (one segment file per day, after a bootstrap segment with profiles and
the initial graph) plus Parquet rows. Memory holds the post table and the graph, never the events.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm  # type: ignore[import-untyped]

from foryou._proto.foryou.events.v1 import events_pb2 as pb
from foryou.core.actions import Action
from foryou.events import SEGMENT_SUFFIX, EventWriter
from foryou.world import emit
from foryou.world.config import DAY_MS, HOUR_MS, WorldConfig
from foryou.world.features import KIND_QUOTE, KIND_REPLY, KIND_REPOST, TruthTables, muted_word_matrix
from foryou.world.keys import add_keys, contains, pair_keys
from foryou.world.population import Population, generate_population
from foryou.world.posts import PostTable, append_posts, derived_posts, new_originals
from foryou.world.simulate import Impressions, simulate_block
from foryou.world.snapshot import (
    ENGAGEMENTS_SCHEMA,
    POSTS_SCHEMA,
    StreamingTable,
    engagement_rows,
    post_rows,
    write_final_tables,
)
from foryou.world.vocab import Vocabulary, build_vocabulary

FORMAT_VERSION = 1
EVENTS_DIR = "events"
_DERIVED = ((Action.REPLY, KIND_REPLY), (Action.RETWEET, KIND_REPOST), (Action.QUOTE, KIND_QUOTE))


@dataclass
class GenerationResult:
    users: int
    posts: int
    impressions: int
    actions: int  # engagement events other than impressions
    engagements: int  # all EngagementEvent records (impressions included)
    events: int
    seconds: float


@dataclass
class _Graph:
    """The social graph as it evolves, plus the Parquet rows of every edge."""

    follow_keys: np.ndarray
    silenced_keys: np.ndarray
    rows: dict[str, list[np.ndarray]]

    def add(self, name: str, src: np.ndarray, dst: np.ndarray, at_ms: np.ndarray) -> None:
        self.rows[name].append(np.stack([src, dst, at_ms], axis=1))


def screen_names(rng: np.random.Generator, vocab: Vocabulary, n: int) -> list[str]:
    picks = rng.integers(0, len(vocab.words), n).tolist()
    return [f"{vocab.words[w]}_{i + 1}" for i, w in enumerate(picks)]


def truth_tables(pop: Population, table: PostTable, graph: _Graph, muted: np.ndarray) -> TruthTables:
    return TruthTables(
        interests=pop.interests,
        user_quality=pop.quality,
        is_spammer=pop.is_spammer,
        muted_words=muted,
        author=table["author"],
        original=table["original"],
        topic=table["topic"],
        post_quality=table["quality"],
        kind=table["kind"],
        media=table["media"],
        video_ms=table["video_ms"],
        true_label=table["true_label"],
        words=table.word_ids,
        follow_keys=graph.follow_keys,
        silenced_keys=graph.silenced_keys,
    )


def _bootstrap(writer: EventWriter, cfg: WorldConfig, pop: Population, names: list[str], vocab: Vocabulary) -> None:
    order = np.argsort(pop.created_at_ms, kind="stable")
    profiles = emit.profile_blobs(names, pop.created_at_ms, pop.is_creator.astype(np.int64))
    writer.extend_bytes(profiles[i] for i in order.tolist())
    t = cfg.start_ms - HOUR_MS
    for edges, kind in ((pop.follows, pb.FOLLOW), (pop.blocks, pb.BLOCK), (pop.mutes, pb.MUTE)):
        writer.extend_bytes(emit.edge_blobs(edges[:, 0], edges[:, 1], kind, np.full(len(edges), t)))
    writer.extend_bytes(emit.subscription_blobs(pop.subscriptions[:, 0], pop.subscriptions[:, 1], t))
    writer.extend_bytes(emit.muted_keyword_blobs(pop.muted_words, vocab, t))


def _new_edges(imp: Impressions, author: np.ndarray, head: Action, known: np.ndarray, n: int) -> np.ndarray:
    """(src, dst, time) rows of first-time edges drawn as `head` actions, in time order."""
    rows = np.flatnonzero(imp.actions[:, head])
    rows = rows[np.argsort(imp.engaged_ms[rows], kind="stable")]
    keys = pair_keys(imp.user[rows], author[imp.post[rows]], n)
    _, first = np.unique(keys, return_index=True)
    first = np.sort(first)
    rows, keys = rows[first], keys[first]
    fresh = ~contains(known, keys)
    rows = rows[fresh]
    return np.stack([imp.user[rows], author[imp.post[rows]], imp.engaged_ms[rows]], axis=1)


class _Pending:
    """Events scheduled for later (safety labels, deletions), released block by block."""

    def __init__(self) -> None:
        self.times = np.zeros(0, dtype=np.int64)
        self.blobs: list[bytes] = []

    def add(self, times: np.ndarray, blobs: list[bytes]) -> None:
        self.times = np.concatenate([self.times, times.astype(np.int64)])
        self.blobs.extend(blobs)

    def take_before(self, end_ms: int) -> tuple[np.ndarray, list[bytes]]:
        due = self.times < end_ms
        idx = np.flatnonzero(due)
        idx = idx[np.argsort(self.times[idx], kind="stable")]
        out = (self.times[idx], [self.blobs[i] for i in idx.tolist()])
        rest = np.flatnonzero(~due).tolist()
        self.times = self.times[~due]
        self.blobs = [self.blobs[i] for i in rest]
        return out


class WorldGenerator:
    """Holds the evolving state; `run` writes everything under `out`."""

    def __init__(self, cfg: WorldConfig, out: Path) -> None:
        self.cfg = cfg
        self.out = out
        self.vocab = build_vocabulary(cfg.topics, cfg.words_per_topic)
        self.pop = generate_population(np.random.default_rng([cfg.seed, 0]), cfg, self.vocab)
        self.names = screen_names(np.random.default_rng([cfg.seed, 1]), self.vocab, cfg.users)
        n = cfg.users
        self.graph = _Graph(
            follow_keys=pair_keys(self.pop.follows[:, 0], self.pop.follows[:, 1], n),
            silenced_keys=np.union1d(
                pair_keys(self.pop.blocks[:, 0], self.pop.blocks[:, 1], n),
                pair_keys(self.pop.mutes[:, 0], self.pop.mutes[:, 1], n),
            ),
            rows={"follows": [], "blocks": [], "mutes": []},
        )
        t0 = cfg.start_ms - HOUR_MS
        for name, e in (("follows", self.pop.follows), ("blocks", self.pop.blocks), ("mutes", self.pop.mutes)):
            self.graph.add(name, e[:, 0], e[:, 1], np.full(len(e), t0))
        self.subscription_keys = pair_keys(self.pop.subscriptions[:, 0], self.pop.subscriptions[:, 1], n)
        self.muted = muted_word_matrix(n, self.pop.muted_words)
        self.table = PostTable(capacity=max(1024, int(cfg.users * cfg.posts_per_user_day * cfg.days * 1.5)))
        self.pending = _Pending()
        self.counts = {"impressions": 0, "actions": 0, "events": 0}

    def run(self, *, progress: bool = True) -> GenerationResult:
        began = time.perf_counter()
        events_dir = self.out / EVENTS_DIR
        events_dir.mkdir(parents=True, exist_ok=True)
        for old in events_dir.glob(f"*{SEGMENT_SUFFIX}"):
            old.unlink()
        with EventWriter(events_dir / f"segment-00000{SEGMENT_SUFFIX}") as w:
            _bootstrap(w, self.cfg, self.pop, self.names, self.vocab)
            self.counts["events"] += w.records_written
        posts_pq = StreamingTable(self.out / "posts.parquet", POSTS_SCHEMA)
        eng_pq = StreamingTable(self.out / "engagements.parquet", ENGAGEMENTS_SCHEMA)
        n_blocks = self.cfg.days * self.cfg.blocks_per_day
        bar = tqdm(total=n_blocks, desc="world", unit="block", disable=not progress, file=None)
        for day in range(self.cfg.days):
            with EventWriter(events_dir / f"segment-{day + 1:05d}{SEGMENT_SUFFIX}") as w:
                for b in range(self.cfg.blocks_per_day):
                    self._block(day * self.cfg.blocks_per_day + b, w, posts_pq, eng_pq)
                    bar.update(1)
                    bar.set_postfix(posts=self.table.size, impressions=self.counts["impressions"])
                self.counts["events"] += w.records_written
        bar.close()
        posts_pq.close()
        eng_pq.close()
        self._write_snapshots()
        return GenerationResult(
            users=self.cfg.users,
            posts=self.table.size,
            impressions=self.counts["impressions"],
            actions=self.counts["actions"],
            engagements=self.counts["impressions"] + self.counts["actions"],
            events=self.counts["events"],
            seconds=time.perf_counter() - began,
        )

    def _pool(self, start: int) -> np.ndarray:
        created = self.table["created_ms"]
        lo = int(np.searchsorted(created, start - self.cfg.candidate_age_ms))
        hi = int(np.searchsorted(created, start))
        idx = np.arange(lo, hi)
        deleted = self.table["deleted_ms"][lo:hi]
        alive: np.ndarray = idx[(deleted == 0) | (deleted > start)]
        return alive

    def _block(self, k: int, w: EventWriter, posts_pq: StreamingTable, eng_pq: StreamingTable) -> None:
        cfg, n = self.cfg, self.cfg.users
        start = cfg.start_ms + k * cfg.block_ms
        end = start + cfg.block_ms
        rng = np.random.default_rng([cfg.seed, 2, k])
        truth = truth_tables(self.pop, self.table, self.graph, self.muted)
        posts_view = {"subscriber_only": self.table["subscriber_only"], "deleted_ms": self.table["deleted_ms"]}
        imp = simulate_block(
            rng, cfg, truth, self._pool(start), self.pop.activity, posts_view, self.subscription_keys, start, end
        )
        authors = self.table["author"]
        post_ids = self.table["post_id"]
        eng_times, eng_blobs, act_vals, act_rows = emit.engagement_blobs(
            imp, post_ids[imp.post], authors[imp.post], f"w{cfg.seed}-{k}-"
        )
        # New edges before new posts are appended (indices into the current table).
        follows = _new_edges(imp, authors, Action.FOLLOW_AUTHOR, self.graph.follow_keys, n)
        blocks = _new_edges(imp, authors, Action.BLOCK_AUTHOR, self.graph.silenced_keys, n)
        mutes = _new_edges(imp, authors, Action.MUTE_AUTHOR, self.graph.silenced_keys, n)
        parts = [new_originals(rng, cfg, self.pop, self.vocab, start, end)]
        for head, kind in _DERIVED:
            rows = np.flatnonzero(imp.actions[:, head])
            parts.append(
                derived_posts(
                    rng,
                    self.table,
                    self.vocab,
                    imp.user[rows],
                    imp.post[rows],
                    np.full(len(rows), kind),
                    imp.engaged_ms[rows],
                )
            )
        new_idx = append_posts(self.table, parts)
        post_times, post_blob_list = emit.post_blobs(self.table, new_idx, self.vocab)
        self._schedule(new_idx, rng)
        due_times, due_blobs = self.pending.take_before(end)
        edge_times, edge_list = [], []
        for name, edges, kind in (
            ("follows", follows, pb.FOLLOW),
            ("blocks", blocks, pb.BLOCK),
            ("mutes", mutes, pb.MUTE),
        ):
            edge_times.append(edges[:, 2])
            edge_list.extend(emit.edge_blobs(edges[:, 0], edges[:, 1], kind, edges[:, 2]))
            self.graph.add(name, edges[:, 0], edges[:, 1], edges[:, 2])
        self.graph.follow_keys = add_keys(self.graph.follow_keys, pair_keys(follows[:, 0], follows[:, 1], n))
        silenced = np.concatenate([blocks, mutes])
        self.graph.silenced_keys = add_keys(self.graph.silenced_keys, pair_keys(silenced[:, 0], silenced[:, 1], n))
        times = np.concatenate([post_times, due_times, eng_times, *edge_times])
        blobs = post_blob_list + due_blobs + eng_blobs + edge_list
        w.extend_bytes(blobs[i] for i in np.argsort(times, kind="stable").tolist())
        self.counts["impressions"] += len(imp.user)
        self.counts["actions"] += len(act_vals) - len(imp.user)
        self._write_rows(posts_pq, eng_pq, new_idx, imp, act_vals, act_rows, eng_times, k)

    def _schedule(self, idx: np.ndarray, rng: np.random.Generator) -> None:
        t = self.table
        labelled = idx[t["label"][idx] != 0]
        label_at = t["created_ms"][labelled] + rng.integers(5 * 60_000, 2 * HOUR_MS, len(labelled))
        t.cols["label_at_ms"][labelled] = label_at
        self.pending.add(label_at, emit.label_blobs(t["post_id"][labelled], t["label"][labelled], label_at))
        deleted = idx[t["deleted_ms"][idx] != 0]
        self.pending.add(
            t["deleted_ms"][deleted],
            emit.delete_blobs(t["post_id"][deleted], t["author"][deleted], t["deleted_ms"][deleted]),
        )

    def _write_rows(
        self,
        posts_pq: StreamingTable,
        eng_pq: StreamingTable,
        idx: np.ndarray,
        imp: Impressions,
        act_vals: np.ndarray,
        act_rows: np.ndarray,
        eng_times: np.ndarray,
        k: int,
    ) -> None:
        posts_pq.write(post_rows(self.table, idx, self.vocab, self.cfg.end_ms))
        eng_pq.write(engagement_rows(self.table, imp, act_vals, act_rows, eng_times, f"w{self.cfg.seed}-{k}-"))

    def _write_snapshots(self) -> None:
        write_final_tables(self.out, self.pop, self.names, self.graph.rows, self.vocab)
        meta = {
            "format_version": FORMAT_VERSION,
            "config": self.cfg.to_dict(),
            "vocabulary": list(self.vocab.words),
            "start_ms": self.cfg.start_ms,
            "end_ms": self.cfg.end_ms,
            "counts": dict(self.counts),
            "posts": self.table.size,
            "day_ms": DAY_MS,
        }
        (self.out / "world.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")


def generate_world(cfg: WorldConfig, out: str | Path, *, progress: bool = True) -> GenerationResult:
    """Generate the world for `cfg` into directory `out` (created if missing)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return WorldGenerator(cfg, out).run(progress=progress)
