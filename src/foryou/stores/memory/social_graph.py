"""In-memory SocialGraphStore: edge sets per user and kind, follower counts, keywords, subscriptions.

Bounded by `memory_max_edges_per_user` edges of one kind per user (a further edge is refused) and
`max_muted_keywords` keywords per user.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from foryou.core.ids import UserId
from foryou.stores.limits import StoreLimits
from foryou.stores.models import EdgeKind, UserFeatures
from foryou.stores.normalize import normalize_keywords


class MemorySocialGraphStore:
    def __init__(self, limits: StoreLimits | None = None) -> None:
        self._limits = limits or StoreLimits()
        self._edges: dict[EdgeKind, defaultdict[UserId, set[UserId]]] = {k: defaultdict(set) for k in EdgeKind}
        self._subscriptions: defaultdict[UserId, set[UserId]] = defaultdict(set)
        self._keywords: dict[UserId, tuple[str, ...]] = {}
        self._followers: defaultdict[UserId, int] = defaultdict(int)

    def _toggle(self, table: defaultdict[UserId, set[UserId]], source: UserId, target: UserId, active: bool) -> bool:
        targets = table.get(source, set())
        if active == (target in targets):
            return False
        if not active:
            targets.discard(target)
            if not targets:
                del table[source]
            return True
        if len(targets) >= self._limits.memory_max_edges_per_user:
            return False
        table[source].add(target)
        return True

    async def set_edge(self, source: UserId, target: UserId, kind: EdgeKind, *, active: bool) -> bool:
        changed = self._toggle(self._edges[kind], source, target, active)
        if changed and kind == EdgeKind.FOLLOW:
            self._followers[target] += 1 if active else -1
            if self._followers[target] == 0:
                del self._followers[target]
        return changed

    async def set_muted_keywords(self, user: UserId, keywords: Sequence[str]) -> None:
        kept = normalize_keywords(keywords, self._limits.max_muted_keywords)
        if kept:
            self._keywords[user] = kept
        else:
            self._keywords.pop(user, None)

    async def set_subscription(self, subscriber: UserId, creator: UserId, *, active: bool) -> bool:
        return self._toggle(self._subscriptions, subscriber, creator, active)

    def _sorted(self, table: defaultdict[UserId, set[UserId]], user: UserId) -> tuple[UserId, ...]:
        return tuple(sorted(table.get(user, ())))

    async def user_features(self, user: UserId) -> UserFeatures:
        return UserFeatures(
            muted_keywords=self._keywords.get(user, ()),
            blocked_user_ids=self._sorted(self._edges[EdgeKind.BLOCK], user),
            muted_user_ids=self._sorted(self._edges[EdgeKind.MUTE], user),
            followed_user_ids=self._sorted(self._edges[EdgeKind.FOLLOW], user),
            subscribed_user_ids=self._sorted(self._subscriptions, user),
        )

    async def following(self, user: UserId, limit: int) -> list[UserId]:
        return list(self._sorted(self._edges[EdgeKind.FOLLOW], user)[: max(limit, 0)])

    async def followers_count(self, user: UserId) -> int:
        return self._followers.get(user, 0)

    def followers_counts(self, users: Sequence[UserId]) -> dict[UserId, int]:
        """Synchronous batch read for the in-memory UserStore that shares this graph."""
        get = self._followers.get  # one lookup per user: a feed request asks for ~1 500 authors
        return {u: count for u in users if (count := get(u)) is not None}
