"""In-process clients over the Phoenix serving services (`foryou.phoenix_service`)."""

from __future__ import annotations

from collections.abc import Sequence

from foryou.home_mixer.clients.types import RetrievedPost
from foryou.home_mixer.query import UserActionSequence
from foryou.phoenix_service.ranking import RankingService
from foryou.phoenix_service.retrieval import RetrievalService


class InProcessRetrievalClient:
    def __init__(self, service: RetrievalService) -> None:
        self.service = service

    async def retrieve(self, *, user_id: int, sequence: UserActionSequence, max_results: int) -> list[RetrievedPost]:
        found = await self.service.retrieve(user_id=user_id, sequence=sequence.actions, max_results=max_results)
        return [RetrievedPost(r.post_id, r.author_id, r.in_reply_to_post_id, r.score) for r in found]


class InProcessPredictionClient:
    def __init__(self, service: RankingService) -> None:
        self.service = service

    async def predict(
        self, *, user_id: int, sequence: UserActionSequence, candidates: Sequence[tuple[int, int]], surface: int
    ) -> list[dict[str, float] | None]:
        return await self.service.predict(
            user_id=user_id, sequence=sequence.actions, candidates=candidates, surface=surface
        )
