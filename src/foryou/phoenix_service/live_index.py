"""LiveIndex: the out-of-network corpus, kept current from post and safety events (SPEC §5.7).

Every non-repost, non-nullcast post (replies only with `retrieval.index_replies`) younger than
`mixer.max_post_age_s` gets its candidate-tower vector, micro-batched on `flush()`, and joins the
index; deletes, DELETED / SPAM labels and age remove it. A new retrieval checkpoint re-embeds
everything. `apply` is a pure per-event handler; the caller's consumer loop decides when to flush.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from foryou._proto.foryou.events.v1 import events_pb2 as ev
from foryou.core.snowflake import creation_ms
from foryou.index import VectorIndex, build_index, load_table
from foryou.params import Params
from foryou.phoenix import RetrievalModel, build_candidates
from foryou.phoenix_service.model_host import ModelHost, Models

_BLOCKING_LABELS = frozenset({ev.SafetyLabel.DELETED, ev.SafetyLabel.SPAM})


@dataclass(frozen=True)
class IndexedPost:
    post_id: int
    author_id: int
    in_reply_to_post_id: int
    created_ms: int


class LiveIndex:
    def __init__(self, host: ModelHost, params: Params, *, embed_batch: int = 512) -> None:
        self.host, self.params, self.embed_batch = host, params, embed_batch
        self.max_age_ms = params.get_int("mixer.max_post_age_s") * 1000
        self.index_replies = params.get_bool("retrieval.index_replies")
        self._index: VectorIndex | None = None
        self._posts: dict[int, IndexedPost] = {}
        self._pending: dict[int, IndexedPost] = {}
        self._blocked: set[int] = set()  # deleted or labelled before (or after) their create
        self._lock = threading.RLock()
        host.on_swap(self._on_swap)

    def __len__(self) -> int:
        return len(self._posts)

    # -- events ----------------------------------------------------------------------------------
    def apply(self, event: ev.Event, *, now_ms: int) -> None:
        kind = event.WhichOneof("payload")
        with self._lock:
            if kind == "post_created":
                self._created(event.post_created, now_ms)
            elif kind == "post_deleted":
                self._remove(event.post_deleted.post_id, block=True)
            elif kind == "safety_label" and event.safety_label.label in _BLOCKING_LABELS:
                if event.safety_label.applied:
                    self._remove(event.safety_label.post_id, block=True)
                else:
                    self._blocked.discard(event.safety_label.post_id)

    def _created(self, post: ev.PostCreated, now_ms: int) -> None:
        if post.nullcast or post.repost_of_post_id or post.post_id in self._blocked:
            return
        if post.in_reply_to_post_id and not self.index_replies:
            return
        created = creation_ms(post.post_id)
        if now_ms - created > self.max_age_ms:
            return
        self._pending[post.post_id] = IndexedPost(post.post_id, post.author_id, post.in_reply_to_post_id, created)

    def _remove(self, post_id: int, *, block: bool) -> None:
        if block:
            self._blocked.add(post_id)
        self._pending.pop(post_id, None)
        if self._posts.pop(post_id, None) is not None and self._index is not None:
            self._index.remove([post_id])

    def flush(self) -> int:
        """Embed and add every pending post; returns how many joined the index."""
        models = self.host.current
        with self._lock:
            pending, self._pending = list(self._pending.values()), {}
            if not pending or models.retrieval is None:
                self._pending.update({p.post_id: p for p in pending})
                return 0
            self._add(models.retrieval, pending)
            return len(pending)

    def expire(self, now_ms: int) -> int:
        """Remove posts older than `mixer.max_post_age_s`."""
        with self._lock:
            old = [p.post_id for p in self._posts.values() if now_ms - p.created_ms > self.max_age_ms]
            for post_id in old:
                self._remove(post_id, block=False)
            self._pending = {i: p for i, p in self._pending.items() if now_ms - p.created_ms <= self.max_age_ms}
            return len(old)

    # -- search ----------------------------------------------------------------------------------
    def search(self, user_vectors: np.ndarray, k: int) -> list[list[tuple[IndexedPost, float]]]:
        with self._lock:
            if self._index is None or not self._posts:
                return [[] for _ in range(len(user_vectors))]
            result = self._index.search(user_vectors.astype(np.float32), k)
            get = self._posts.get  # one dict lookup per hit; id 0 is an unfilled slot
            return [
                [(post, s) for i, s in zip(ids, scores, strict=True) if i and (post := get(i)) is not None]
                for ids, scores in zip(result.ids.tolist(), result.scores.tolist(), strict=True)
            ]

    # -- persistence -----------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        with self._lock:
            if self._index is not None:
                self._index.save(directory / "vectors")
            rows = np.array(
                [[p.post_id, p.author_id, p.in_reply_to_post_id, p.created_ms] for p in self._posts.values()],
                dtype=np.uint64,
            ).reshape(-1, 4)
            np.save(directory / "posts.npy", rows)
            np.save(directory / "blocked.npy", np.array(sorted(self._blocked), dtype=np.uint64))

    def load(self, directory: Path) -> None:
        with self._lock:
            rows = np.load(directory / "posts.npy", allow_pickle=False)
            self._posts = {int(r[0]): IndexedPost(int(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows}
            self._blocked = set(np.load(directory / "blocked.npy", allow_pickle=False).tolist())
            if (directory / "vectors").exists():
                table, meta = load_table(directory / "vectors")
                self._index = build_index(self.params, int(meta["dim"]), table)

    # -- internals -------------------------------------------------------------------------------
    def _add(self, model: RetrievalModel, posts: list[IndexedPost]) -> None:
        vectors = self._embed(model, [(p.post_id, p.author_id) for p in posts])
        if self._index is None:
            self._index = build_index(self.params, vectors.shape[1])
        self._index.add(np.array([p.post_id for p in posts], dtype=np.uint64), vectors)
        for p in posts:
            self._posts[p.post_id] = p

    def _embed(self, model: RetrievalModel, pairs: list[tuple[int, int]]) -> np.ndarray:
        chunks = []
        with torch.inference_mode():
            for start in range(0, len(pairs), self.embed_batch):
                batch = build_candidates(
                    candidates=[pairs[start : start + self.embed_batch]], config=model.config.inputs
                )
                chunks.append(model.encode_candidates(batch)[0].float().numpy())  # [c, D]
        return np.concatenate(chunks).astype(np.float32)

    def _on_swap(self, old: Models, new: Models) -> None:
        if new.retrieval is None or new.retrieval is old.retrieval:
            return
        with self._lock:
            posts = list(self._posts.values())
            self._index, self._posts = None, {}
            if posts:
                self._add(new.retrieval, posts)
