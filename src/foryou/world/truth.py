"""The ground-truth action model: the true probability of each of the 19 actions for a (user, post).

Both the impression simulator (which draws actions from these probabilities) and the oracle (which
ranks by their weighted value) call `expected_actions`, so the oracle is exact by construction.

    relevance  r = interests[u, topic] / max(interests[u])                  ∈ [0, 1]
    ℓ = base + relevance·r + author_quality·q_author + post_quality·q_post + follows·[u follows author]
        + spam·[spam] + bad_label·[violence | gore | nsfw]
    ν = neg_base + neg_off_topic·(1 − r) + neg_spam·[spam] + neg_bad_label·[bad] + neg_muted_keyword·[kw]
        + neg_author_quality·q_author
    positive head h: p_h = σ(ℓ + c_h) × gate_h (photo_expand needs a photo, vqv a video, quoted_click a
    quote, follow_author a not-yet-followed author); ×muted_keyword_factor when the text hits a muted
    keyword; 0 when the user blocked or muted the author. Negative heads: σ(ν + c_h).
    dwell (head 10) = P(dwell_ms ≥ 2000) = σ(ℓ + 2); dwell_time (head 18) = E[dwell seconds].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foryou.core.actions import NUM_ACTIONS, Action
from foryou.world.config import TruthConfig

# Offsets c_h of each positive head's logit relative to ℓ (favourite = 0).
POSITIVE_OFFSETS: dict[Action, float] = {
    Action.FAVORITE: 0.0,
    Action.REPLY: -3.5,
    Action.RETWEET: -3.3,
    Action.PHOTO_EXPAND: -0.5,
    Action.CLICK: -1.0,
    Action.PROFILE_CLICK: -3.0,
    Action.VQV: 0.5,
    Action.SHARE: -4.0,
    Action.SHARE_VIA_DM: -4.0,
    Action.SHARE_VIA_COPY_LINK: -4.5,
    Action.QUOTE: -4.5,
    Action.QUOTED_CLICK: -0.5,
    Action.FOLLOW_AUTHOR: -3.5,
}
NEGATIVE_OFFSETS: dict[Action, float] = {
    Action.NOT_INTERESTED: 0.5,
    Action.MUTE_AUTHOR: -1.5,
    Action.BLOCK_AUTHOR: -2.0,
    Action.REPORT: -3.0,
}
DWELL_OFFSET = 2.0
DWELL_THRESHOLD_MS = 2000
SHORT_DWELL_MEAN_S = 1.1  # a glance: uniform 0.2–2.0 s
VIDEO_DWELL_CAP_S = 60.0


@dataclass
class PairFeatures:
    """Everything the ground truth looks at for N (user, post) pairs; arrays of length N."""

    relevance: np.ndarray
    author_quality: np.ndarray
    post_quality: np.ndarray
    follows: np.ndarray  # bool: the viewer follows the (displayed) author
    spam: np.ndarray  # bool
    bad_label: np.ndarray  # bool
    muted_keyword: np.ndarray  # bool
    silenced: np.ndarray  # bool: the viewer blocked or muted the author
    has_photo: np.ndarray  # bool
    video_s: np.ndarray  # float: video duration in seconds, 0 = no video
    is_quote: np.ndarray  # bool


def _sigmoid(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-x))
    return out


def engagement_logit(f: PairFeatures, t: TruthConfig) -> np.ndarray:
    return (
        t.base_logit
        + t.relevance * f.relevance
        + t.author_quality * f.author_quality
        + t.post_quality * f.post_quality
        + t.follows * f.follows
        + t.spam * f.spam
        + t.bad_label * f.bad_label
    )


def negative_logit(f: PairFeatures, t: TruthConfig) -> np.ndarray:
    return (
        t.neg_base
        + t.neg_off_topic * (1.0 - f.relevance)
        + t.neg_spam * f.spam
        + t.neg_bad_label * f.bad_label
        + t.neg_muted_keyword * f.muted_keyword
        + t.neg_author_quality * f.author_quality
    )


def long_dwell_mean_s(logit: np.ndarray, video_s: np.ndarray) -> np.ndarray:
    """Mean seconds beyond the 2 s threshold for a dwelled impression."""
    out: np.ndarray = 3.0 + 20.0 * _sigmoid(logit) + 0.5 * np.minimum(video_s, VIDEO_DWELL_CAP_S)
    return out


def expected_actions(f: PairFeatures, t: TruthConfig) -> np.ndarray:
    """[N, 19] float64: probabilities of heads 0–17 and the expected dwell seconds in column 18."""
    n = len(f.relevance)
    out = np.zeros((n, NUM_ACTIONS))
    ell = engagement_logit(f, t)
    gate = np.where(f.silenced, 0.0, np.where(f.muted_keyword, t.muted_keyword_factor, 1.0))
    for head, c in POSITIVE_OFFSETS.items():
        out[:, head] = _sigmoid(ell + c) * gate
    out[:, Action.PHOTO_EXPAND] *= f.has_photo
    out[:, Action.VQV] *= f.video_s > 0
    out[:, Action.QUOTED_CLICK] *= f.is_quote
    out[:, Action.FOLLOW_AUTHOR] *= ~f.follows
    nu = negative_logit(f, t)
    for head, c in NEGATIVE_OFFSETS.items():
        out[:, head] = _sigmoid(nu + c)
    out[:, Action.BLOCK_AUTHOR] *= ~f.silenced
    out[:, Action.MUTE_AUTHOR] *= ~f.silenced
    p_dwell = _sigmoid(ell + DWELL_OFFSET) * ~f.silenced
    out[:, Action.DWELL] = p_dwell
    long_s = DWELL_THRESHOLD_MS / 1000 + long_dwell_mean_s(ell, f.video_s)
    out[:, Action.DWELL_TIME] = p_dwell * long_s + (1.0 - p_dwell) * SHORT_DWELL_MEAN_S
    return out


def weighted_value(probs: np.ndarray, weights: np.ndarray, video_s: np.ndarray, min_video_s: float) -> np.ndarray:
    """SPEC §3.9 `combined` for each row of `probs` [N, 19]; `weights` [19] in head order (vqv counts
    only for videos longer than `min_video_s`)."""
    w = np.broadcast_to(weights, probs.shape).copy()
    w[:, Action.VQV] = np.where(video_s > min_video_s, weights[Action.VQV], 0.0)
    value: np.ndarray = (probs * w).sum(axis=1)
    return value
