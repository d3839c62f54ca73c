"""The growing post table of the simulation and the two ways posts appear in it: authored originals
(each author at their own heavy-tailed rate) and replies / reposts / quotes drawn by the impression
simulator. Rows are appended in creation order, so posts of a time range are a contiguous slice.
"""

from __future__ import annotations

import numpy as np

from foryou.core.snowflake import TIMESTAMP_SHIFT, TWITTER_EPOCH_MS
from foryou.world.config import HOUR_MS, WorldConfig
from foryou.world.features import (
    KIND_ORIGINAL,
    KIND_REPLY,
    KIND_REPOST,
    LABEL_GORE,
    LABEL_NONE,
    LABEL_NSFW,
    LABEL_SPAM,
    LABEL_VIOLENCE,
    MEDIA_GIF,
    MEDIA_NONE,
    MEDIA_PHOTO,
    MEDIA_VIDEO,
)
from foryou.world.population import Population, sample_rows
from foryou.world.vocab import TEXT_MAX_WORDS, Vocabulary, draw_text_words

WORLD_WORKER = 1  # snowflake worker id of the simulator
_SEQ_SHIFT = 12

COLUMNS: dict[str, type] = {
    "post_id": np.int64,
    "author": np.int64,
    "created_ms": np.int64,
    "kind": np.int8,
    "topic": np.int16,
    "quality": np.float32,
    "original": np.int64,  # index of the content post (self unless a repost)
    "target": np.int64,  # index of the replied / reposted / quoted post, −1 for originals
    "conversation": np.int64,  # conversation id (post id of the root)
    "media": np.int8,
    "video_ms": np.int32,
    "subscriber_only": np.bool_,
    "label": np.int8,  # the label trust & safety will apply (0 = none)
    "true_label": np.int8,  # the post's nature (spam / violence / gore / nsfw), labelled or not
    "deleted_ms": np.int64,  # 0 = never deleted
    "label_at_ms": np.int64,  # when the label is applied (0 = never)
}


class PostTable:
    """Column arrays with amortised appends."""

    def __init__(self, capacity: int = 1024) -> None:
        self.size = 0
        self.cols: dict[str, np.ndarray] = {k: np.zeros(capacity, dtype=v) for k, v in COLUMNS.items()}
        self.words = np.full((capacity, TEXT_MAX_WORDS), -1, dtype=np.int32)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.cols[name][: self.size]

    @property
    def word_ids(self) -> np.ndarray:
        return self.words[: self.size]

    def append(self, rows: dict[str, np.ndarray], words: np.ndarray) -> np.ndarray:
        """Append rows (already in creation order); returns their indices."""
        n = len(words)
        need = self.size + n
        if need > len(self.words):
            cap = max(need, 2 * len(self.words))
            for k, arr in self.cols.items():
                grown = np.zeros(cap, dtype=arr.dtype)
                grown[: self.size] = arr[: self.size]
                self.cols[k] = grown
            grown_w = np.full((cap, TEXT_MAX_WORDS), -1, dtype=np.int32)
            grown_w[: self.size] = self.words[: self.size]
            self.words = grown_w
        for k, arr in self.cols.items():
            arr[self.size : need] = rows[k]
        self.words[self.size : need] = words
        idx = np.arange(self.size, need)
        self.size = need
        return idx


def snowflakes(created_ms: np.ndarray) -> np.ndarray:
    """Snowflake ids for posts sorted by creation time: equal milliseconds get sequence 0, 1, 2, …"""
    n = len(created_ms)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[True, created_ms[1:] != created_ms[:-1]]
    run_start = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    seq = np.arange(n) - run_start
    ids: np.ndarray = ((created_ms - TWITTER_EPOCH_MS) << TIMESTAMP_SHIFT) | (WORLD_WORKER << _SEQ_SHIFT) | seq
    return ids


def _media(rng: np.random.Generator, cfg: WorldConfig, n: int) -> tuple[np.ndarray, np.ndarray]:
    u = rng.random(n)
    media = np.full(n, MEDIA_NONE, dtype=np.int8)
    media[u < cfg.video_share + cfg.photo_share + cfg.gif_share] = MEDIA_GIF
    media[u < cfg.video_share + cfg.photo_share] = MEDIA_PHOTO
    media[u < cfg.video_share] = MEDIA_VIDEO
    # Video lengths: lognormal around 25 s, so about a third are under the 10 s vqv threshold.
    video = np.where(media == MEDIA_VIDEO, np.clip(rng.lognormal(np.log(25_000), 0.9, n), 1000, 600_000), 0)
    video = np.where(media == MEDIA_GIF, 3000, video)
    return media, video.astype(np.int32)


def _labels(rng: np.random.Generator, cfg: WorldConfig, spam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(true nature, label trust & safety will apply)."""
    n = len(spam)
    u = rng.random(n)
    nature = np.full(n, LABEL_NONE, dtype=np.int8)
    nature[u < cfg.violence_share + cfg.gore_share + cfg.nsfw_share] = LABEL_NSFW
    nature[u < cfg.violence_share + cfg.gore_share] = LABEL_GORE
    nature[u < cfg.violence_share] = LABEL_VIOLENCE
    nature[spam] = LABEL_SPAM
    caught = np.where(spam, rng.random(n) < cfg.spam_label_share, True)
    return nature, np.where(caught, nature, LABEL_NONE).astype(np.int8)


def new_originals(
    rng: np.random.Generator, cfg: WorldConfig, pop: Population, vocab: Vocabulary, start_ms: int, end_ms: int
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Originals authored in [start, end) (replies, reposts and quotes come from impressions)."""
    counts = rng.poisson(pop.post_rate * (end_ms - start_ms) / 86_400_000)
    author = np.repeat(np.arange(pop.size), counts)
    n = len(author)
    created = rng.integers(start_ms, end_ms, n)
    order = np.lexsort((author, created))
    author, created = author[order], created[order]
    on_main = rng.random(n) < cfg.main_topic_share
    topic = np.where(on_main, pop.main_topic[author], sample_rows(rng, pop.interests[author]))
    spam = pop.is_spammer[author]
    topic = np.where(spam, pop.main_topic[author], topic).astype(np.int16)
    media, video = _media(rng, cfg, n)
    nature, label = _labels(rng, cfg, spam)
    deleted = np.where(rng.random(n) < cfg.delete_share, created + rng.integers(HOUR_MS, 24 * HOUR_MS, n), 0)
    rows = {
        "author": author,
        "created_ms": created,
        "kind": np.full(n, KIND_ORIGINAL),
        "topic": topic,
        "quality": rng.normal(0.0, 0.5, n),
        "original": np.full(n, -1),  # filled by the caller once indices are known
        "target": np.full(n, -1),
        "media": media,
        "video_ms": video,
        "subscriber_only": pop.is_creator[author] & (rng.random(n) < cfg.subscriber_only_share),
        "label": label,
        "true_label": nature,
        "deleted_ms": deleted,
        "label_at_ms": np.zeros(n, dtype=np.int64),
    }
    return rows, draw_text_words(rng, topic, vocab)


def derived_posts(
    rng: np.random.Generator,
    table: PostTable,
    vocab: Vocabulary,
    actor: np.ndarray,
    target: np.ndarray,
    kind: np.ndarray,
    created: np.ndarray,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Replies, reposts and quotes by `actor` on post indices `target` at `created` (sorted by time)."""
    n = len(actor)
    orig = table["original"][target]
    # A reply, repost or quote of a repost is one of its original.
    tgt = orig
    topic = table["topic"][orig]
    is_repost = kind == KIND_REPOST
    words = draw_text_words(rng, topic, vocab)
    words[is_repost] = -1
    zeros = np.zeros(n)
    rows = {
        "author": actor,
        "created_ms": created,
        "kind": kind,
        "topic": topic,
        "quality": np.where(is_repost, table["quality"][orig], rng.normal(0.0, 0.5, n)),
        "original": np.full(n, -1),
        "target": tgt,
        "media": zeros,
        "video_ms": zeros,
        "subscriber_only": np.zeros(n, dtype=bool),
        "label": zeros,
        "true_label": zeros,
        "deleted_ms": zeros,
        "label_at_ms": zeros,
    }
    return rows, words


def append_posts(table: PostTable, parts: list[tuple[dict[str, np.ndarray], np.ndarray]]) -> np.ndarray:
    """Merge batches of new posts, order them by creation time, mint their snowflakes and conversation
    ids, and append them; returns their indices."""
    rows = {k: np.concatenate([np.asarray(p[0][k]) for p in parts]) for k in parts[0][0]}
    words = np.concatenate([p[1] for p in parts])
    order = np.argsort(rows["created_ms"], kind="stable")
    rows = {k: v[order] for k, v in rows.items()}
    words = words[order]
    post_id = snowflakes(rows["created_ms"])
    rows["post_id"] = post_id
    target = np.maximum(rows["target"], 0)
    parent_conv = table["conversation"][target] if table.size else np.zeros(len(target), dtype=np.int64)
    kind = rows["kind"]
    rows["conversation"] = np.where(kind == KIND_REPLY, parent_conv, np.where(kind == KIND_REPOST, 0, post_id))
    idx = table.append(rows, words)
    table.cols["original"][idx] = np.where(kind == KIND_REPOST, table.cols["original"][target], idx)
    return idx
