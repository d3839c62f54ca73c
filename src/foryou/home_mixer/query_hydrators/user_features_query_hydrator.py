"""UserFeaturesQueryHydrator: the viewer's muted keywords, blocks, mutes, follows and subscriptions.

If the SocialGraphStore cannot answer, a copy read within `max_staleness_s` is used (degraded,
`user_features_stale`). With no such copy the request fails UNAVAILABLE when `fail_on_missing`
(default) rather than risk showing a blocked or muted author; otherwise it goes on with empty lists
(v1's fail-open, degraded `user_features_missing`).
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict

from foryou.core.clock import Clock
from foryou.core.errors import RequestAbortedError
from foryou.home_mixer.clients.protocols import SocialGraphReader
from foryou.home_mixer.query import ScoredPostsQuery, UserFeatures
from foryou.pipeline import QueryHydrator

_CACHE_USERS = 100_000


class UserFeaturesQueryHydrator(QueryHydrator[ScoredPostsQuery]):
    owned_fields = ("user_features", "user_features_loaded", "user_features_degraded")

    def __init__(self, graph: SocialGraphReader, *, clock: Clock, max_staleness_s: int, fail_on_missing: bool) -> None:
        self.graph, self.clock = graph, clock
        self.max_staleness_ms, self.fail_on_missing = max_staleness_s * 1000, fail_on_missing
        self._copies: OrderedDict[int, tuple[UserFeatures, int]] = OrderedDict()

    async def hydrate(self, query: ScoredPostsQuery) -> ScoredPostsQuery:
        try:
            features = await self.graph.user_features(query.user_id)
        except Exception as exc:
            return self._fallback(query, exc)
        self._remember(query.user_id, features)
        return dataclasses.replace(query, user_features=features, user_features_loaded=True, user_features_degraded="")

    def degraded_reason(self, hydrated: ScoredPostsQuery) -> str | None:
        return hydrated.user_features_degraded or None

    def _fallback(self, query: ScoredPostsQuery, exc: Exception) -> ScoredPostsQuery:
        copy = self._copies.get(query.user_id)
        if copy is not None and self.clock.now_ms() - copy[1] <= self.max_staleness_ms:
            return dataclasses.replace(
                query, user_features=copy[0], user_features_loaded=True, user_features_degraded="user_features_stale"
            )
        if self.fail_on_missing:
            raise RequestAbortedError(f"user features unavailable for viewer {query.user_id}: {exc}") from exc
        return dataclasses.replace(
            query,
            user_features=UserFeatures(),
            user_features_loaded=False,
            user_features_degraded="user_features_missing",
        )

    def _remember(self, user_id: int, features: UserFeatures) -> None:
        self._copies[user_id] = (features, self.clock.now_ms())
        self._copies.move_to_end(user_id)
        while len(self._copies) > _CACHE_USERS:
            self._copies.popitem(last=False)
