"""Fill an empty PostStore from one large batch in a few vectorised passes (benchmarks, cold start
from an export). Same result as `PostStore.insert` of that batch, without per-batch timeline growth:
every timeline is laid out once, already sorted, already capped."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from foryou.core.errors import InvalidInputError
from foryou.thunder.id_table import IdTable
from foryou.thunder.light_post import NewPosts
from foryou.thunder.post_store import KINDS, ORIGINAL, SECONDARY, VIDEO, PostStore
from foryou.thunder.timelines import TimelinePool


def bulk_load(store: PostStore, batch: NewPosts, now_s: int) -> int:
    """Insert `batch` into an empty store (SPEC §4.2 for one batch). Returns posts stored."""
    with store.lock:
        if store.used or store.deleted:
            raise InvalidInputError("bulk_load needs an empty store")
        created = batch.created_at_s
        fresh = np.flatnonzero((created <= now_s) & (now_s - created <= store.config.retention_s))
        batch = batch.take(fresh[np.lexsort((batch.post_id[fresh], created[fresh]))])
        _, first = np.unique(batch.post_id, return_index=True)
        first.sort()
        batch = batch.take(first)
        count = len(batch)
        slots = np.arange(count, dtype=np.int64)
        store.ids = IdTable(count)
        store._write_rows(batch, slots)
        store._index_quotes(batch, slots)
        video = store._video_eligible(batch, slots)
        authors = store._author_slots(batch.author_id)
        primary = np.where(batch.is_reply | batch.is_retweet, SECONDARY, ORIGINAL)
        tls = np.concatenate((authors * KINDS + primary, authors[video] * KINDS + VIDEO))
        entries = np.concatenate((slots, slots[video]))
        order = np.lexsort((entries, tls))  # slot order is (created_at_s, post_id) order
        tls, entries = tls[order], entries[order]
        _layout(store, tls, entries)
        return count


def _layout(store: PostStore, tls: npt.NDArray[np.int64], entries: npt.NDArray[np.int64]) -> None:
    uniq, first, counts = np.unique(tls, return_index=True, return_counts=True)
    position = np.arange(tls.shape[0]) - np.repeat(first, counts)
    cap = store.config.max_timeline_size
    evicted = position < np.repeat(counts - np.minimum(counts, cap), counts)
    store._kill(entries[evicted & (tls % KINDS != VIDEO)])
    kept = np.minimum(counts, cap)
    pool = TimelinePool(store.timelines.start.shape[0], entries=int(kept.sum()))
    pool.pool[: int(kept.sum())] = entries[~evicted].astype(np.int32)
    pool.start[uniq] = np.cumsum(kept) - kept
    pool.length[uniq] = kept
    pool.cap[uniq] = kept
    pool.top = int(kept.sum())
    store.timelines = pool
