"""PostCandidate: one post moving through the For You pipeline (SPEC §3.2).

Mutable on purpose: the executor copies each component's owned fields onto it. Unknown values are
None (ids 0 are normalised to None at the edges).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum

from foryou.core import ACTION_NAMES, NUM_DISCRETE_ACTIONS

HEAD_NAMES: tuple[str, ...] = ACTION_NAMES[:NUM_DISCRETE_ACTIONS]  # the 18 probabilities
SCORE_KEYS: tuple[str, ...] = (*HEAD_NAMES, "dwell_time")  # what phoenix_scores holds


class ServedType(IntEnum):
    UNSPECIFIED = 0
    FOR_YOU_IN_NETWORK = 1
    FOR_YOU_PHOENIX_RETRIEVAL = 2


class VisibilityAction(IntEnum):
    ALLOW = 0
    INTERSTITIAL = 1
    DROP = 2
    UNAVAILABLE = 3  # the lookup failed or timed out


@dataclass(frozen=True)
class Visibility:
    action: VisibilityAction
    labels: tuple[str, ...] = ()


@dataclass(slots=True)
class PostCandidate:
    tweet_id: int
    author_id: int = 0
    tweet_text: str = ""
    in_reply_to_tweet_id: int | None = None
    retweeted_tweet_id: int | None = None
    retweeted_user_id: int | None = None
    conversation_id: int | None = None
    ancestors: list[int] = field(default_factory=list)  # parent first, then root if different
    served_type: ServedType = ServedType.UNSPECIFIED
    retrieval_score: float | None = None
    in_network: bool | None = None
    video_duration_ms: int | None = None
    has_media: bool = False
    core_data_found: bool | None = None  # None: the PostEntityStore could not be asked
    subscription_author_id: int | None = None
    author_followers_count: int | None = None
    author_screen_name: str | None = None
    retweeted_screen_name: str | None = None
    phoenix_scores: Mapping[str, float] | None = None  # SCORE_KEYS → value; None = not scored
    prediction_request_id: int | None = None
    last_scored_at_ms: int | None = None
    weighted_score: float | None = None
    diversity_position: int | None = None
    diversity_multiplier: float | None = None
    oon_factor: float | None = None
    score: float | None = None
    visibility: Visibility | None = None
    visibility_checked: bool = False

    @property
    def original_id(self) -> int:
        """The post a repost points at, else the post itself; reposts are scored as their original."""
        return self.retweeted_tweet_id or self.tweet_id

    @property
    def original_author(self) -> int:
        return self.retweeted_user_id or self.author_id

    @property
    def related_ids(self) -> set[int]:
        ids = {self.tweet_id, self.retweeted_tweet_id or 0, self.in_reply_to_tweet_id or 0}
        ids.discard(0)
        return ids

    @property
    def is_repost(self) -> bool:
        return bool(self.retweeted_tweet_id)
