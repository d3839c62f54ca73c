"""UserActionSeqQueryHydrator: the viewer's aggregated action history, the model's input (SPEC §3.4).

No actions give an empty sequence (v1 raised); a store failure fails this hydrator, and the sources
and ranker then run without a sequence (PhoenixSource fails, the ranker degrades to recency).
"""

from __future__ import annotations

import dataclasses

from foryou.events.uas import UasConfig, aggregate
from foryou.home_mixer.clients.protocols import UserActionReader
from foryou.home_mixer.query import ScoredPostsQuery
from foryou.pipeline import QueryHydrator


class UserActionSeqQueryHydrator(QueryHydrator[ScoredPostsQuery]):
    owned_fields = ("user_action_sequence",)

    def __init__(self, actions: UserActionReader, *, config: UasConfig) -> None:
        self.actions, self.config = actions, config

    async def hydrate(self, query: ScoredPostsQuery) -> ScoredPostsQuery:
        raw = await self.actions.actions(query.user_id)
        sequence = aggregate(query.user_id, raw, config=self.config, now_ms=query.now_ms)
        return dataclasses.replace(query, user_action_sequence=sequence)
