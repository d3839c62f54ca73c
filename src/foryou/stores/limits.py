"""Size and age bounds of the stores, shared by every backend, plus memory-only caps.

The per-entity bounds (actions per user, served entries per viewer, muted keywords per user, post
retention) hold in every backend so that they answer alike. The `memory_*` caps exist only so that
the in-memory backend stays bounded: when one is reached the oldest entry is evicted (posts, per-user
action logs, viewers) or, for graph edges, the new edge is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from foryou.params.registry import Params

DAY_MS = 86_400_000
ACTIONS_PER_USER = 10_000  # SPEC §6.1: `actions(user)` answers the last 10 000


@dataclass(frozen=True)
class StoreLimits:
    max_actions_per_user: int = ACTIONS_PER_USER
    max_served_per_viewer: int = 100
    max_muted_keywords: int = 1_000
    post_retention_ms: int = 7 * DAY_MS
    memory_max_posts: int = 2_000_000
    memory_max_action_users: int = 1_000_000
    memory_max_viewers: int = 1_000_000
    memory_max_edges_per_user: int = 100_000
    memory_max_labelled_posts: int = 2_000_000

    @classmethod
    def from_params(cls, params: Params) -> StoreLimits:
        """Bounds derived from the registry: served entries and post retention (SPEC §6.1)."""
        retention_ms = max(
            7 * DAY_MS,
            1000 * params.get_int("mixer.max_post_age_s"),
            1000 * params.get_int("thunder.retention_s"),
        )
        return cls(
            max_served_per_viewer=params.get_int("served.history_max_ids"),
            post_retention_ms=retention_ms,
        )
