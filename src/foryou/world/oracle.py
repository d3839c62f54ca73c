"""The oracle: true expected actions and values of any (user, post) pair of a generated world.

`Oracle.load(dir)` rebuilds the ground truth's inputs from the Parquet snapshot (the graph as it
stands at the end of the world) and answers with world/truth.py, the very function the simulator drew
actions from. Values use SPEC §3.9's `combined` with the configured `scoring.weight.*` parameters, so
a served feed can be compared with the best feed that could have been built from the same candidates:

    feed_value_ratio = Σ value(served[:k]) / Σ top-k value(candidates)

Without `at_ms` the graph is the one at the end of the world; with it, each pair sees the follows, blocks
and mutes made before that time, as the simulator did when it drew the impression (a user who follows an
author in the test window otherwise looks as if follow_author had been impossible).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from foryou.core.actions import Action
from foryou.core.errors import CorruptDataError, NotFoundError
from foryou.params import Params
from foryou.world.config import WorldConfig
from foryou.world.features import TruthTables, muted_word_matrix, pair_features
from foryou.world.keys import pair_keys
from foryou.world.truth import PairFeatures, expected_actions, weighted_value
from foryou.world.vocab import TEXT_MAX_WORDS


def head_weights(params: Params) -> np.ndarray:
    """[19] weights in head order; the continuous head uses `scoring.weight.cont_dwell_time`."""
    w = np.zeros(len(Action))
    for a in Action:
        name = "cont_dwell_time" if a == Action.DWELL_TIME else a.head_name
        w[a] = params.get_float(f"scoring.weight.{name}")
    return w


def _padded_words(lists: list[list[int]]) -> np.ndarray:
    out = np.full((len(lists), TEXT_MAX_WORDS), -1, dtype=np.int32)
    for i, words in enumerate(lists):
        out[i, : len(words)] = words
    return out


@dataclass(frozen=True)
class TimedKeys:
    """Sorted unique pair keys with the time each pair first appeared."""

    keys: np.ndarray  # [E] int64, sorted
    since_ms: np.ndarray  # [E] int64

    @classmethod
    def of(cls, keys: np.ndarray, times: np.ndarray) -> TimedKeys:
        order = np.lexsort((times, keys))
        k, t = keys[order], times[order]
        first = np.r_[True, k[1:] != k[:-1]] if len(k) else np.zeros(0, dtype=bool)
        return cls(keys=k[first], since_ms=t[first])

    def union(self, other: TimedKeys) -> TimedKeys:
        return TimedKeys.of(np.r_[self.keys, other.keys], np.r_[self.since_ms, other.since_ms])

    def held(self, query: np.ndarray, at_ms: np.ndarray) -> np.ndarray:
        """query[i] was in the set strictly before at_ms[i]."""
        if len(self.keys) == 0:
            return np.zeros(len(query), dtype=bool)
        idx = np.minimum(np.searchsorted(self.keys, query), len(self.keys) - 1)
        out: np.ndarray = (self.keys[idx] == query) & (self.since_ms[idx] < at_ms)
        return out


@dataclass
class Oracle:
    config: WorldConfig
    tables: TruthTables
    post_ids: np.ndarray  # sorted snowflakes; index = post index
    weights: np.ndarray
    min_video_s: float
    follows: TimedKeys
    silenced: TimedKeys  # blocks and mutes
    main_topic: np.ndarray  # [N] each user's main posting topic

    @classmethod
    def load(cls, directory: str | Path, params: Params | None = None) -> Oracle:
        d = Path(directory)
        try:
            meta = json.loads((d / "world.json").read_text())
        except (OSError, ValueError) as exc:
            raise CorruptDataError(f"{d / 'world.json'}: cannot read world metadata ({exc})") from exc
        cfg = WorldConfig.from_dict(meta["config"])
        params = params or Params()
        users = pq.read_table(d / "users.parquet", columns=["interests", "quality", "is_spammer", "main_topic"])
        n = users.num_rows
        posts = pq.read_table(
            d / "posts.parquet",
            columns=[
                "post_id",
                "author_id",
                "kind",
                "topic",
                "quality",
                "original_post_id",
                "media",
                "video_duration_ms",
                "true_label",
                "words",
            ],
        )
        post_ids = posts.column("post_id").to_numpy().astype(np.int64)
        if np.any(np.diff(post_ids) <= 0):
            raise CorruptDataError(f"{d / 'posts.parquet'}: post ids are not strictly increasing")
        original = np.searchsorted(post_ids, posts.column("original_post_id").to_numpy().astype(np.int64))

        def keys(name: str) -> TimedKeys:
            t = pq.read_table(d / f"{name}.parquet", columns=["source_user_id", "target_user_id", "created_at_ms"])
            src = t.column("source_user_id").to_numpy().astype(np.int64) - 1
            dst = t.column("target_user_id").to_numpy().astype(np.int64) - 1
            return TimedKeys.of(pair_keys(src, dst, n), t.column("created_at_ms").to_numpy().astype(np.int64))

        follows, silenced = keys("follows"), keys("blocks").union(keys("mutes"))

        mk = pq.read_table(d / "muted_keywords.parquet", columns=["user_id", "word_id"])
        muted: dict[int, list[int]] = {}
        for u, w in zip(mk.column("user_id").to_pylist(), mk.column("word_id").to_pylist(), strict=True):
            muted.setdefault(u - 1, []).append(w)
        tables = TruthTables(
            interests=np.array(users.column("interests").to_pylist(), dtype=np.float32),
            user_quality=users.column("quality").to_numpy(),
            is_spammer=users.column("is_spammer").to_numpy(),
            muted_words=muted_word_matrix(n, muted),
            author=posts.column("author_id").to_numpy().astype(np.int64) - 1,
            original=original,
            topic=posts.column("topic").to_numpy(),
            post_quality=posts.column("quality").to_numpy(),
            kind=posts.column("kind").to_numpy(),
            media=posts.column("media").to_numpy(),
            video_ms=posts.column("video_duration_ms").to_numpy(),
            true_label=posts.column("true_label").to_numpy(),
            words=_padded_words(posts.column("words").to_pylist()),
            follow_keys=follows.keys,
            silenced_keys=silenced.keys,
        )
        min_video_s = params.get_int("scoring.min_video_duration_ms") / 1000.0
        return cls(
            config=cfg,
            tables=tables,
            post_ids=post_ids,
            weights=head_weights(params),
            min_video_s=min_video_s,
            follows=follows,
            silenced=silenced,
            main_topic=users.column("main_topic").to_numpy().astype(np.int64),
        )

    def _user_index(self, user_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        u = np.asarray(user_ids, dtype=np.int64) - 1
        if len(u) and (u.min() < 0 or u.max() >= self.tables.users):
            raise NotFoundError(f"user id outside 1..{self.tables.users}")
        return u

    def post_index(self, post_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        q = np.asarray(post_ids, dtype=np.uint64).astype(np.int64)
        idx = np.minimum(np.searchsorted(self.post_ids, q), max(len(self.post_ids) - 1, 0))
        if len(q) and (len(self.post_ids) == 0 or np.any(self.post_ids[idx] != q)):
            missing = q[self.post_ids[idx] != q] if len(self.post_ids) else q
            raise NotFoundError(f"post id {int(missing[0])} is not in this world")
        return idx

    def _features(self, users: np.ndarray, posts: np.ndarray, at_ms: int | np.ndarray | None) -> PairFeatures:
        return self._features_of(self.tables, users, posts, at_ms)

    def _features_of(
        self, tables: TruthTables, users: np.ndarray, posts: np.ndarray, at_ms: int | np.ndarray | None
    ) -> PairFeatures:
        f = pair_features(tables, users, posts)
        if at_ms is None:
            return f
        at = np.broadcast_to(np.asarray(at_ms, dtype=np.int64), users.shape)
        n, t = self.tables.users, self.tables
        shown, orig_author = t.author[posts], t.author[t.original[posts]]
        f.follows = self.follows.held(pair_keys(users, shown, n), at)
        f.silenced = self.silenced.held(pair_keys(users, shown, n), at) | self.silenced.held(
            pair_keys(users, orig_author, n), at
        )
        return f

    def action_probs(
        self,
        user_ids: Sequence[int] | np.ndarray,
        post_ids: Sequence[int] | np.ndarray,
        at_ms: int | np.ndarray | None = None,
    ) -> np.ndarray:
        """[N, 19]: true probabilities of heads 0–17 and expected dwell seconds (head 18) per pair, with
        the graph as of `at_ms` (per pair or one time; None = the end of the world)."""
        return self._probs(user_ids, post_ids, at_ms)[0]

    def _probs(
        self,
        user_ids: Sequence[int] | np.ndarray,
        post_ids: Sequence[int] | np.ndarray,
        at_ms: int | np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """[N, 19] true action probabilities and the [N] post rows they belong to."""
        users, posts = np.broadcast_arrays(self._user_index(user_ids), self.post_index(post_ids))
        return expected_actions(self._features(users, posts, at_ms), self.config.truth), posts

    def value(
        self,
        user_ids: Sequence[int] | np.ndarray,
        post_ids: Sequence[int] | np.ndarray,
        at_ms: int | np.ndarray | None = None,
    ) -> np.ndarray:
        """[N]: true weighted value (SPEC §3.9 `combined`) of each pair."""
        probs, posts = self._probs(user_ids, post_ids, at_ms)
        orig = self.tables.original[posts]
        video_s = np.where(self.tables.media[orig] == 2, self.tables.video_ms[orig] / 1000.0, 0.0)
        return weighted_value(probs, self.weights, video_s, self.min_video_s)

    def author_prior_value(
        self,
        user_ids: Sequence[int] | np.ndarray,
        post_ids: Sequence[int] | np.ndarray,
        at_ms: int | np.ndarray | None = None,
    ) -> np.ndarray:
        """[N]: the value expected from what an id-based ranker can know of a post it never saw: the
        viewer and the author exactly, the post's topic only through the author's posting mix (main
        topic with `main_topic_share`, else the author's interests; spammers always their main topic)
        and its own quality noise not at all. A reference for how far author-level learning can go."""
        users, posts = np.broadcast_arrays(self._user_index(user_ids), self.post_index(post_ids))
        t = self.tables
        orig = t.original[posts]
        author = t.author[orig]
        share = np.where(t.is_spammer[author], 1.0, self.config.main_topic_share)
        mix = (1.0 - share)[:, None] * t.interests[author]  # [N, T]
        mix[np.arange(len(author)), self.main_topic[author]] += share
        video_s = np.where(t.media[orig] == 2, t.video_ms[orig] / 1000.0, 0.0)
        unknown = dataclasses.replace(t, post_quality=np.zeros_like(t.post_quality))
        out = np.zeros(len(posts))
        for topic in np.flatnonzero(mix.max(axis=0, initial=0.0) > 0).tolist():
            unknown.topic = np.full_like(t.topic, topic)
            probs = expected_actions(self._features_of(unknown, users, posts, at_ms), self.config.truth)
            out += mix[:, topic] * weighted_value(probs, self.weights, video_s, self.min_video_s)
        return out

    def best_feed(self, user_id: int, candidate_ids: Sequence[int], k: int = 35, at_ms: int | None = None) -> list[int]:
        """The k candidates of highest true value, best first."""
        cand = list(dict.fromkeys(candidate_ids))
        if not cand:
            return []
        v = self.value(np.full(len(cand), user_id), cand, at_ms)
        order = np.argsort(-v, kind="stable")[:k]
        return [cand[i] for i in order.tolist()]

    def feed_value(self, user_id: int, post_ids: Sequence[int], k: int = 35, at_ms: int | None = None) -> float:
        ids = list(dict.fromkeys(post_ids))[:k]
        return float(self.value(np.full(len(ids), user_id), ids, at_ms).sum()) if ids else 0.0

    def feed_value_ratio(
        self,
        user_id: int,
        served_ids: Sequence[int],
        candidate_ids: Sequence[int],
        k: int = 35,
        at_ms: int | None = None,
    ) -> float:
        """Value of the first k served posts over the value of the best k candidates (nan when the best
        feed has no positive value)."""
        best = self.feed_value(user_id, self.best_feed(user_id, candidate_ids, k, at_ms), k, at_ms)
        if best <= 0:
            return float("nan")
        return self.feed_value(user_id, served_ids, k, at_ms) / best
