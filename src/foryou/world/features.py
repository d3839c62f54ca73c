"""Look-ups that turn (user index, post index) pairs into the ground truth's `PairFeatures`.

`TruthTables` holds exactly what the ground truth reads; the simulator keeps one up to date while it
runs and the oracle rebuilds one from the Parquet snapshot, so both see the same features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foryou.world.keys import contains, pair_keys
from foryou.world.truth import PairFeatures
from foryou.world.vocab import plain_word_ids

MEDIA_NONE, MEDIA_PHOTO, MEDIA_VIDEO, MEDIA_GIF = 0, 1, 2, 3
KIND_ORIGINAL, KIND_REPLY, KIND_REPOST, KIND_QUOTE = 0, 1, 2, 3
LABEL_NONE, LABEL_SPAM, LABEL_VIOLENCE, LABEL_GORE, LABEL_NSFW = 0, 2, 3, 4, 5  # pb.SafetyLabel values


@dataclass
class TruthTables:
    # users, by index
    interests: np.ndarray  # [N, T]
    user_quality: np.ndarray  # [N]
    is_spammer: np.ndarray  # [N] bool
    muted_words: np.ndarray  # [N, K] int32 word ids, −1 padded
    # posts, by index
    author: np.ndarray  # [P] user index of the (displayed) author
    original: np.ndarray  # [P] index of the content post (itself unless a repost)
    topic: np.ndarray  # [P]
    post_quality: np.ndarray  # [P]
    kind: np.ndarray  # [P]
    media: np.ndarray  # [P]
    video_ms: np.ndarray  # [P]
    true_label: np.ndarray  # [P]: the post's nature (violence / gore / nsfw), labelled or not
    words: np.ndarray  # [P, W] int32 (hashtags encoded as −id − 2, padding −1)
    # relations, as sorted pair keys (user index · N + user index)
    follow_keys: np.ndarray
    silenced_keys: np.ndarray  # blocked or muted

    @property
    def users(self) -> int:
        return len(self.user_quality)


def muted_word_matrix(n: int, muted: dict[int, list[int]]) -> np.ndarray:
    width = max((len(v) for v in muted.values()), default=1)
    out = np.full((n, max(width, 1)), -1, dtype=np.int32)
    for u, words in muted.items():
        out[u, : len(words)] = words
    return out


def pair_features(t: TruthTables, users: np.ndarray, posts: np.ndarray) -> PairFeatures:
    """Features of the pairs (users[i], posts[i]) (indices, not ids)."""
    n = t.users
    orig = t.original[posts]
    shown_author = t.author[posts]
    orig_author = t.author[orig]
    interests = t.interests[users]
    relevance = interests[np.arange(len(users)), t.topic[orig]] / interests.max(axis=1)
    silenced = contains(t.silenced_keys, pair_keys(users, shown_author, n)) | contains(
        t.silenced_keys, pair_keys(users, orig_author, n)
    )
    muted = t.muted_words[users]  # [n, K]
    has_muted = (muted >= 0).any(axis=1)
    kw = np.zeros(len(users), dtype=bool)
    if has_muted.any():
        rows = np.flatnonzero(has_muted)
        words = plain_word_ids(t.words[orig[rows]])  # [r, W]
        hit = (words[:, :, None] == muted[rows][:, None, :]) & (muted[rows][:, None, :] >= 0)
        kw[rows] = hit.any(axis=(1, 2))
    label = t.true_label[orig]
    return PairFeatures(
        relevance=relevance.astype(np.float64),
        author_quality=t.user_quality[orig_author].astype(np.float64),
        post_quality=t.post_quality[orig].astype(np.float64),
        follows=contains(t.follow_keys, pair_keys(users, shown_author, n)),
        spam=t.is_spammer[orig_author],
        bad_label=(label == LABEL_VIOLENCE) | (label == LABEL_GORE) | (label == LABEL_NSFW),
        muted_keyword=kw,
        silenced=silenced,
        has_photo=t.media[orig] == MEDIA_PHOTO,
        video_s=np.where(t.media[orig] == MEDIA_VIDEO, t.video_ms[orig] / 1000.0, 0.0),
        is_quote=t.kind[orig] == KIND_QUOTE,
    )
