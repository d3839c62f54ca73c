"""Thunder's PostStore: the post map, per-author timelines, deletes and trimming (SPEC §4.1–4.4).

Posts live in slots: one row per post across numpy columns, found by post id through `IdTable`.
Each author has three timelines (original, secondary, video) of slots in a shared `TimelinePool`.
A slot is never reused until `_compact` renumbers everything, so a timeline entry whose post was
deleted or evicted simply stops resolving (its LIVE flag is clear). Queries are in `recent_posts.py`;
`reference.py` is the slow, obviously correct version both are tested against.

All public methods take one lock: a query sees a batch fully applied or not at all.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from foryou.core.snowflake import creation_ms
from foryou.thunder.config import StoreConfig
from foryou.thunder.id_table import IdTable
from foryou.thunder.light_post import LightPost, NewPosts
from foryou.thunder.timelines import TimelinePool, ranges

ORIGINAL, SECONDARY, VIDEO = 0, 1, 2
KINDS = 3
LIVE, REPLY, RETWEET, HAS_VIDEO = 1, 2, 4, 8

U64_COLUMNS = (
    "post_id",
    "author_id",
    "in_reply_to_post_id",
    "in_reply_to_user_id",
    "source_post_id",
    "source_user_id",
    "conversation_id",
    "quoted_post_id",
)


@dataclass(frozen=True)
class StoreStats:
    """Gauges for metrics and the stats logger."""

    posts: int
    authors: int
    deleted: int
    original_entries: int
    secondary_entries: int
    video_entries: int
    bytes: int


class PostStore:
    """The in-network post store. Times are Unix seconds passed in by the caller."""

    def __init__(self, config: StoreConfig, *, capacity: int = 1024) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.cols: dict[str, npt.NDArray[np.generic]] = {}
        for name in U64_COLUMNS:
            self.cols[name] = np.zeros(capacity, dtype=np.uint64)
        self.cols["created_at_s"] = np.zeros(capacity, dtype=np.int64)
        self.cols["flags"] = np.zeros(capacity, dtype=np.uint8)
        # Parent slot + 1 of a reply whose parent was stored when it arrived (0: unknown). A hint only:
        # queries check it still holds that parent and fall back to the id table.
        self.cols["parent_ref"] = np.zeros(capacity, dtype=np.int32)
        self.used = 0  # slots handed out since the last compaction
        self.live = 0
        self.ids = IdTable(capacity)
        self.timelines = TimelinePool()
        self.author_index = IdTable()  # author id -> author index (timelines 3·index … 3·index + 2)
        self.author_ids = np.zeros(0, dtype=np.uint64)
        self.free_authors: list[int] = []
        self.quotes: dict[int, list[int]] = {}  # quoted post id -> slots quoting it
        self.deleted: set[int] = set()
        self.tombstones: list[tuple[int, int]] = []  # heap of (deleted_at_s, post_id)

    # ------------------------------------------------------------------ columns
    def col_u64(self, name: str) -> npt.NDArray[np.uint64]:
        array: npt.NDArray[np.uint64] = self.cols[name]  # type: ignore[assignment]
        return array

    @property
    def created(self) -> npt.NDArray[np.int64]:
        array: npt.NDArray[np.int64] = self.cols["created_at_s"]  # type: ignore[assignment]
        return array

    @property
    def flags(self) -> npt.NDArray[np.uint8]:
        array: npt.NDArray[np.uint8] = self.cols["flags"]  # type: ignore[assignment]
        return array

    def _grow_slots(self, needed: int) -> None:
        capacity = self.flags.shape[0]
        if needed <= capacity:
            return
        new = max(needed, capacity * 3 // 2)
        for name, old in self.cols.items():
            grown = np.zeros(new, dtype=old.dtype)
            grown[: old.shape[0]] = old
            self.cols[name] = grown

    def __len__(self) -> int:
        return self.live

    # ------------------------------------------------------------------ insert
    def insert(self, batch: NewPosts, now_s: int) -> int:
        """SPEC §4.2 steps 2–4 for a batch already classified (step 1). Returns posts stored."""
        with self.lock:
            return self._insert(batch, now_s)

    def _insert(self, batch: NewPosts, now_s: int) -> int:
        created = batch.created_at_s
        fresh = np.flatnonzero((created <= now_s) & (now_s - created <= self.config.retention_s))
        batch = batch.take(fresh[np.lexsort((batch.post_id[fresh], created[fresh]))])
        # Duplicates change nothing: keep the first of each id, then drop deleted and stored ones.
        _, first = np.unique(batch.post_id, return_index=True)
        first.sort()
        batch = batch.take(first)
        if self.deleted:
            alive = [pid not in self.deleted for pid in batch.post_id.tolist()]
            batch = batch.take(np.flatnonzero(np.array(alive, dtype=np.bool_)))
        batch = batch.take(np.flatnonzero(self.ids.get_many(batch.post_id) < 0))
        count = len(batch)
        if count == 0:
            return 0
        slots = np.arange(self.used, self.used + count, dtype=np.int64)
        self._write_rows(batch, slots)
        self._index_quotes(batch, slots)
        self._append_to_timelines(batch, slots)
        return count

    def _write_rows(self, batch: NewPosts, slots: npt.NDArray[np.int64]) -> None:
        self._grow_slots(self.used + slots.shape[0])
        for name in U64_COLUMNS:
            self.cols[name][slots] = getattr(batch, name)
        self.created[slots] = batch.created_at_s
        flags = np.full(slots.shape[0], LIVE, dtype=np.uint8)
        flags |= np.where(batch.is_reply, REPLY, 0).astype(np.uint8)
        flags |= np.where(batch.is_retweet, RETWEET, 0).astype(np.uint8)
        flags |= np.where(batch.has_video, HAS_VIDEO, 0).astype(np.uint8)
        self.flags[slots] = flags
        self.ids.put_many(batch.post_id, slots.astype(np.int32))
        replies = np.flatnonzero(batch.in_reply_to_post_id != 0)
        if replies.size:
            self.cols["parent_ref"][slots[replies]] = self.ids.get_many(batch.in_reply_to_post_id[replies]) + 1
        self.used += slots.shape[0]
        self.live += slots.shape[0]

    def _index_quotes(self, batch: NewPosts, slots: npt.NDArray[np.int64]) -> None:
        quoting = np.flatnonzero(batch.quoted_post_id != 0)
        for quoted, slot in zip(batch.quoted_post_id[quoting].tolist(), slots[quoting].tolist(), strict=True):
            self.quotes.setdefault(quoted, []).append(slot)

    def _video_eligible(self, batch: NewPosts, slots: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Own video, or a repost of a stored, earlier, non-reply video post; replies never."""
        eligible = batch.has_video.copy()
        reposts = np.flatnonzero(batch.is_retweet & ~batch.has_video)
        if reposts.size:
            src = self.ids.get_many(batch.source_post_id[reposts]).astype(np.int64)
            found = (src >= 0) & (src < slots[reposts])
            src_flags = self.flags[np.where(found, src, 0)]
            eligible[reposts] = found & ((src_flags & HAS_VIDEO) != 0) & ((src_flags & REPLY) == 0)
        result: npt.NDArray[np.bool_] = eligible & ~batch.is_reply
        return result

    def _append_to_timelines(self, batch: NewPosts, slots: npt.NDArray[np.int64]) -> None:
        authors = self._author_slots(batch.author_id)
        primary = np.where(batch.is_reply | batch.is_retweet, SECONDARY, ORIGINAL)
        video = self._video_eligible(batch, slots)
        tls = np.concatenate((authors * KINDS + primary, authors[video] * KINDS + VIDEO))
        entries = np.concatenate((slots, slots[video]))
        order = np.argsort(tls, kind="stable")  # rows are already in (created, post_id) order
        self._append(tls[order], entries[order].astype(np.int32))

    def _author_slots(self, author_ids: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        """Author index of every row, registering new authors."""
        distinct, inverse = np.unique(author_ids, return_inverse=True)
        found = self.author_index.get_many(distinct).astype(np.int64)
        new = np.flatnonzero(found < 0)
        if new.size:
            found[new] = [self._new_author(aid) for aid in distinct[new].tolist()]
            self.author_index.put_many(distinct[new], found[new].astype(np.int32))
        result: npt.NDArray[np.int64] = found[inverse.reshape(-1)]
        return result

    def _new_author(self, author_id: int) -> int:
        if self.free_authors:
            ai = self.free_authors.pop()
        else:
            ai = self.author_ids.shape[0]
            grown = np.zeros(max(16, ai * 3 // 2), dtype=np.uint64)
            grown[:ai] = self.author_ids
            self.free_authors.extend(range(grown.shape[0] - 1, ai, -1))
            self.author_ids = grown
            self.timelines.ensure_timelines(grown.shape[0] * KINDS)
        self.author_ids[ai] = author_id
        return ai

    def _append(self, tls: npt.NDArray[np.int64], entries: npt.NDArray[np.int32]) -> None:
        """Add entries (grouped by timeline, each group sorted) keeping every timeline sorted."""
        pool = self.timelines
        uniq, first, counts = np.unique(tls, return_index=True, return_counts=True)
        pool.reserve(uniq, pool.length[uniq] + counts)
        lengths = pool.length[uniq]
        last = np.where(lengths > 0, pool.pool[pool.start[uniq] + np.maximum(lengths - 1, 0)], -1)
        head = entries[first]
        in_order = (lengths == 0) | ~self._before(head, last)
        fast = np.repeat(in_order, counts)
        if fast.any():
            groups = uniq[in_order]
            rank = np.arange(tls.shape[0]) - np.repeat(first, counts)
            dest = pool.start[tls[fast]] + pool.length[tls[fast]] + rank[fast]
            pool.pool[dest] = entries[fast]
            pool.length[groups] += counts[in_order]
        for tl, lo, n in zip(
            uniq[~in_order].tolist(), first[~in_order].tolist(), counts[~in_order].tolist(), strict=True
        ):
            self._merge_into(tl, entries[lo : lo + n])
        self._evict_over_cap(uniq)

    def _before(self, a: npt.NDArray[np.int32], b: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """(created, post_id) of slot a < that of slot b, elementwise (b ≥ 0)."""
        b = np.maximum(b, 0)
        ca, cb = self.created[a], self.created[b]
        pa, pb = self.col_u64("post_id")[a], self.col_u64("post_id")[b]
        result: npt.NDArray[np.bool_] = (ca < cb) | ((ca == cb) & (pa < pb))
        return result

    def _merge_into(self, tl: int, new: npt.NDArray[np.int32]) -> None:
        pool = self.timelines
        merged = np.concatenate((pool.entries(tl), new))
        merged = merged[np.lexsort((self.col_u64("post_id")[merged], self.created[merged]))]
        start = int(pool.start[tl])
        pool.pool[start : start + merged.shape[0]] = merged
        pool.length[tl] = merged.shape[0]

    def _evict_over_cap(self, tls: npt.NDArray[np.int64]) -> None:
        pool = self.timelines
        excess = pool.length[tls] - self.config.max_timeline_size
        over = excess > 0
        if not over.any():
            return
        tls, excess = tls[over], excess[over]
        evicted = pool.pool[ranges(pool.start[tls], excess)]
        primary = np.repeat(tls % KINDS != VIDEO, excess)
        pool.start[tls] += excess
        pool.length[tls] -= excess
        pool.cap[tls] -= excess
        pool.garbage += int(excess.sum())
        self._kill(evicted[primary].astype(np.int64))

    def _kill(self, slots: npt.NDArray[np.int64]) -> None:
        """Remove posts from the post map (their timeline entries stop resolving)."""
        slots = slots[(self.flags[slots] & LIVE) != 0]
        if slots.size == 0:
            return
        slots = np.unique(slots)
        self.flags[slots] &= np.uint8(~LIVE & 0xFF)
        self.ids.remove_many(self.col_u64("post_id")[slots])
        self.live -= slots.shape[0]

    # ------------------------------------------------------------------ delete
    def delete(self, deletes: Iterable[tuple[int, int]], now_s: int) -> int:
        """SPEC §4.3 for (post_id, deleted_at_s) pairs, with the quote cascade. Returns deletes applied."""
        applied = 0
        with self.lock:
            for post_id, deleted_at_s in deletes:
                if now_s - creation_ms(post_id) // 1000 > self.config.retention_s:
                    continue
                self._delete_one(post_id, deleted_at_s)
                for slot in self.quotes.pop(post_id, []):
                    if self.flags[slot] & LIVE and int(self.col_u64("quoted_post_id")[slot]) == post_id:
                        self._delete_one(int(self.col_u64("post_id")[slot]), deleted_at_s)
                applied += 1
        return applied

    def _delete_one(self, post_id: int, deleted_at_s: int) -> None:
        slot = self.ids.get(post_id)
        if slot >= 0:
            self._kill(np.array([slot], dtype=np.int64))
        self.deleted.add(post_id)
        heapq.heappush(self.tombstones, (deleted_at_s, post_id))

    # ------------------------------------------------------------------ trim
    def trim(self, now_s: int, run: int | None) -> None:
        """SPEC §4.4: one trim run (`run` picks the author partition; None trims every author)."""
        with self.lock:
            cutoff = now_s - self.config.retention_s
            while self.tombstones and self.tombstones[0][0] < cutoff:
                _, post_id = heapq.heappop(self.tombstones)
                self.deleted.discard(post_id)
            active = np.flatnonzero(self.author_ids != 0)
            if run is not None:
                fraction = self.config.trim_fraction
                active = active[self.author_ids[active] % np.uint64(fraction) == np.uint64(run % fraction)]
            self._trim_authors(active, cutoff)
            if self.used - self.live > max(self.live, 4096):
                self._compact()
            elif self.timelines.garbage > max(self.timelines.top // 2, 4096):
                self.timelines.repack()

    def _trim_authors(self, authors: npt.NDArray[np.int64], cutoff: int) -> None:
        pool = self.timelines
        tls = (authors[:, None] * KINDS + np.arange(KINDS)).ravel()
        tls = tls[pool.length[tls] > 0]
        lengths = pool.length[tls]
        where = ranges(pool.start[tls], lengths)
        slots = pool.pool[where].astype(np.int64)
        group = np.repeat(np.arange(tls.shape[0]), lengths)
        position = np.arange(where.shape[0]) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        old = np.bincount(group, weights=self.created[slots] < cutoff, minlength=tls.shape[0]).astype(np.int64)
        popped = np.maximum(old, lengths - self.config.max_timeline_size)
        pop = position < np.repeat(popped, lengths)
        primary = np.repeat(tls % KINDS != VIDEO, lengths)
        self._kill(slots[pop & primary])
        keep = ~pop & ((self.flags[slots] & LIVE) != 0)
        kept = np.bincount(group[keep], minlength=tls.shape[0]).astype(np.int64)
        pool.pool[ranges(pool.start[tls], kept)] = slots[keep].astype(np.int32)
        pool.length[tls] = kept
        self._drop_empty_authors(authors)

    def _drop_empty_authors(self, authors: npt.NDArray[np.int64]) -> None:
        pool = self.timelines
        tls = authors[:, None] * KINDS + np.arange(KINDS)
        empty = authors[(pool.length[tls] == 0).all(axis=1)]
        if empty.size == 0:
            return
        pool.release((empty[:, None] * KINDS + np.arange(KINDS)).ravel())
        self.author_index.remove_many(self.author_ids[empty])
        self.free_authors.extend(empty.tolist())
        self.author_ids[empty] = 0

    def compact(self) -> None:
        """Renumber slots and repack timelines now (trimming does this when garbage piles up)."""
        with self.lock:
            self._compact()

    def _compact(self) -> None:
        """Renumber live slots densely; dead slots vanish from columns, timelines and the id table."""
        live = np.flatnonzero((self.flags[: self.used] & LIVE) != 0)
        old_to_new = np.full(max(self.used, 1), -1, dtype=np.int32)
        old_to_new[live] = np.arange(live.shape[0], dtype=np.int32)
        for name, column in self.cols.items():
            fresh = np.zeros(max(1024, live.shape[0] * 5 // 4), dtype=column.dtype)
            fresh[: live.shape[0]] = column[live]
            self.cols[name] = fresh
        refs: npt.NDArray[np.int32] = self.cols["parent_ref"][: live.shape[0]]  # type: ignore[assignment]
        known = refs > 0
        refs[known] = old_to_new[refs[known] - 1] + 1
        self.ids.remap(old_to_new)
        self.timelines.repack(slot_map=old_to_new)
        self.used = self.live = live.shape[0]
        self.quotes = {}
        quoted = self.col_u64("quoted_post_id")[: self.used]
        for slot in np.flatnonzero(quoted != 0).tolist():
            self.quotes.setdefault(int(quoted[slot]), []).append(slot)

    def finalize(self, now_s: int) -> None:
        """SPEC §4.7 finalisation: timelines are kept sorted on insert; trim all; purge deleted ids."""
        with self.lock:
            self.trim(now_s, None)
            if self.deleted:
                ids = np.fromiter(self.deleted, dtype=np.uint64, count=len(self.deleted))
                found = self.ids.get_many(ids)
                self._kill(found[found >= 0].astype(np.int64))

    # ------------------------------------------------------------------ reading
    def posts_at(self, slots: npt.NDArray[np.int64]) -> list[LightPost]:
        """LightPosts for slots (the caller holds the lock or owns a consistent copy)."""
        col = self.col_u64
        flags = self.flags[slots]
        columns = (
            col("post_id")[slots].tolist(),
            col("author_id")[slots].tolist(),
            self.created[slots].tolist(),
            col("in_reply_to_post_id")[slots].tolist(),
            col("in_reply_to_user_id")[slots].tolist(),
            ((flags & RETWEET) != 0).tolist(),
            ((flags & REPLY) != 0).tolist(),
            col("source_post_id")[slots].tolist(),
            col("source_user_id")[slots].tolist(),
            ((flags & HAS_VIDEO) != 0).tolist(),
            col("conversation_id")[slots].tolist(),
            col("quoted_post_id")[slots].tolist(),
        )
        return list(map(LightPost._make, zip(*columns, strict=True)))

    def get(self, post_id: int) -> LightPost | None:
        with self.lock:
            slot = self.ids.get(post_id)
            return None if slot < 0 else self.posts_at(np.array([slot], dtype=np.int64))[0]

    def stats(self) -> StoreStats:
        with self.lock:
            used = self.timelines.length[: (self.timelines.length.size // KINDS) * KINDS]  # capacity may be ragged
            lengths = used.reshape(-1, KINDS) if used.size else np.zeros((0, 3))
            totals = lengths.sum(axis=0) if lengths.size else np.zeros(3, dtype=np.int64)
            return StoreStats(
                posts=self.live,
                authors=len(self.author_index),
                deleted=len(self.deleted),
                original_entries=int(totals[ORIGINAL]),
                secondary_entries=int(totals[SECONDARY]),
                video_entries=int(totals[VIDEO]),
                bytes=self.nbytes,
            )

    @property
    def nbytes(self) -> int:
        """Bytes held by the store's arrays plus an estimate for its Python dicts and sets."""
        arrays = sum(int(c.nbytes) for c in self.cols.values()) + self.ids.nbytes + self.timelines.nbytes
        arrays += int(self.author_ids.nbytes) + self.author_index.nbytes
        per_dict_entry = 100  # int key + int value + hash-table entry, CPython 3.11
        python = per_dict_entry * (len(self.deleted) + len(self.tombstones))
        python += sum(per_dict_entry + 36 * len(v) for v in self.quotes.values())
        return arrays + python
