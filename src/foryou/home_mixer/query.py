"""ScoredPostsQuery: the For You request plus what the query hydrators add (SPEC §3.2)."""

from __future__ import annotations

from dataclasses import dataclass, field

from foryou.events.uas import AggregatedAction, UserActionSequence
from foryou.home_mixer.bloom import BloomFilter

__all__ = ["AggregatedAction", "ScoredPostsQuery", "UserActionSequence", "UserFeatures"]


@dataclass(frozen=True)
class UserFeatures:
    muted_keywords: tuple[str, ...] = ()
    blocked_user_ids: frozenset[int] = frozenset()
    muted_user_ids: frozenset[int] = frozenset()
    followed_user_ids: tuple[int, ...] = ()  # ordered: Thunder scans authors in this order
    subscribed_user_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ScoredPostsQuery:
    user_id: int
    request_id: str
    client_app_id: int = 0
    country_code: str = ""
    language_code: str = ""
    seen_ids: frozenset[int] = frozenset()
    served_ids: frozenset[int] = frozenset()
    in_network_only: bool = False
    is_bottom_request: bool = False
    bloom_filters: tuple[BloomFilter, ...] = ()
    include_trace: bool = False
    now_ms: int = 0  # request time, fixed once so every rule sees the same "now"
    # hydrated
    user_action_sequence: UserActionSequence | None = None
    user_features: UserFeatures = field(default_factory=UserFeatures)
    user_features_loaded: bool = False
    user_features_degraded: str = ""  # "", "user_features_stale" or "user_features_missing"
    served_history_ids: frozenset[int] = frozenset()

    @property
    def effective_served_ids(self) -> frozenset[int]:
        return self.served_ids | self.served_history_ids

    @property
    def followed(self) -> frozenset[int]:
        return frozenset(self.user_features.followed_user_ids)
