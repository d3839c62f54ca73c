"""ServedHistoryQueryHydrator: ids served to the viewer recently, newest first (SPEC §3.4)."""

from __future__ import annotations

import dataclasses

from foryou.home_mixer.clients.protocols import ServedHistoryStore
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import QueryHydrator


class ServedHistoryQueryHydrator(QueryHydrator[ScoredPostsQuery]):
    owned_fields = ("served_history_ids",)

    def __init__(self, store: ServedHistoryStore, *, max_age_s: int, max_ids: int) -> None:
        self.store, self.max_age_s, self.max_ids = store, max_age_s, max_ids

    async def hydrate(self, query: ScoredPostsQuery) -> ScoredPostsQuery:
        ids = await self.store.recent(
            query.user_id, now_ms=query.now_ms, max_age_s=self.max_age_s, max_ids=self.max_ids
        )
        return dataclasses.replace(query, served_history_ids=frozenset(ids))
