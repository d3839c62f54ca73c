"""In-memory UserStore: profiles by id; follower counts are read from the shared social graph."""

from __future__ import annotations

from collections.abc import Sequence

from foryou.core.ids import UserId
from foryou.stores.memory.social_graph import MemorySocialGraphStore
from foryou.stores.models import UserProfile


class MemoryUserStore:
    """Bounded by the number of users with a profile event, i.e. the size of the user base."""

    def __init__(self, graph: MemorySocialGraphStore) -> None:
        self._graph = graph
        self._profiles: dict[UserId, tuple[str, int, int]] = {}
        # UserProfile objects already built, reused while the follower count is unchanged (a feed
        # request asks for ~1 500 authors); dropped when the profile changes
        self._built: dict[UserId, UserProfile] = {}

    async def set_profile(self, user: UserId, *, screen_name: str, created_at_ms: int, subscription_level: int) -> None:
        self._profiles[user] = (screen_name, created_at_ms, subscription_level)
        self._built.pop(user, None)

    async def users(self, ids: Sequence[UserId]) -> dict[UserId, UserProfile]:
        counts = self._graph.followers_counts(ids)
        built = self._built
        out: dict[UserId, UserProfile] = {}
        for user in ids:
            count = counts.get(user)
            known = built.get(user)
            if known is not None and known.followers_count == count:
                out[user] = known
                continue
            profile = self._profiles.get(user)
            if profile is None and count is None:
                continue
            name, created, level = profile or ("", 0, 0)
            out[user] = built[user] = UserProfile(
                user_id=user,
                screen_name=name,
                followers_count=count or 0,
                subscription_level=level,
                created_at_ms=created,
            )
        return out
