"""Clients of the Phoenix services: in-process (single-process mode) and gRPC (distributed mode)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import grpc

from foryou._proto.foryou.phoenix.v1 import phoenix_pb2, phoenix_pb2_grpc
from foryou.core.errors import InvalidInputError, ResourceExhaustedError, UnavailableError
from foryou.home_mixer.clients.types import RetrievedPost
from foryou.home_mixer.query import UserActionSequence
from foryou.phoenix_service.convert import (
    candidates_to_table,
    history_to_wire,
    predictions_from_table,
    predictions_from_wire,
    retrieved_from_tables,
)
from foryou.phoenix_service.ranking import RankingService
from foryou.phoenix_service.retrieval import RetrievalService


class InProcessRetrievalClient:
    def __init__(self, service: RetrievalService) -> None:
        self.service = service

    async def retrieve(self, *, user_id: int, sequence: UserActionSequence, max_results: int) -> list[RetrievedPost]:
        found = await self.service.retrieve(user_id=user_id, sequence=sequence.actions, max_results=max_results)
        return list(map(RetrievedPost._make, found))  # the same four fields in the same order


class InProcessPredictionClient:
    remote = False

    def __init__(self, service: RankingService) -> None:
        self.service = service

    async def predict(
        self, *, user_id: int, sequence: UserActionSequence, candidates: Sequence[tuple[int, int]], surface: int
    ) -> Sequence[Mapping[str, float] | None]:
        return await self.service.predict(
            user_id=user_id, sequence=sequence.actions, candidates=candidates, surface=surface
        )


def _unavailable(service: str, exc: grpc.aio.AioRpcError) -> Exception:
    if exc.code() == grpc.StatusCode.RESOURCE_EXHAUSTED:
        return ResourceExhaustedError(f"{service}: {exc.details()}")
    if exc.code() == grpc.StatusCode.INVALID_ARGUMENT:
        return InvalidInputError(f"{service}: {exc.details()}")
    return UnavailableError(f"{service}: {exc.code().name} {exc.details()}")


class GrpcRetrievalClient:
    def __init__(self, channel: grpc.aio.Channel, *, timeout_s: float = 1.0) -> None:
        self.stub = phoenix_pb2_grpc.PhoenixRetrievalServiceStub(channel)
        self.timeout_s = timeout_s

    async def retrieve(self, *, user_id: int, sequence: UserActionSequence, max_results: int) -> list[RetrievedPost]:
        request = phoenix_pb2.RetrieveRequest(
            user_id=user_id, history=history_to_wire(sequence.actions), max_results=max_results, table_response=True
        )
        try:
            response = await self.stub.Retrieve(request, timeout=self.timeout_s)
        except grpc.aio.AioRpcError as exc:
            raise _unavailable("phoenix retrieval", exc) from exc
        if response.score_table:
            return list(map(RetrievedPost._make, retrieved_from_tables(response.post_table, response.score_table)))
        # a server from before the table form answers with messages
        return [RetrievedPost(p.post_id, p.author_id, p.in_reply_to_post_id, p.score) for p in response.posts]


class GrpcPredictionClient:
    remote = True

    def __init__(self, channel: grpc.aio.Channel, *, timeout_s: float = 2.0) -> None:
        self.stub = phoenix_pb2_grpc.PhoenixPredictionServiceStub(channel)
        self.timeout_s = timeout_s

    async def predict(
        self, *, user_id: int, sequence: UserActionSequence, candidates: Sequence[tuple[int, int]], surface: int
    ) -> Sequence[Mapping[str, float] | None]:
        request = phoenix_pb2.PredictRequest(
            user_id=user_id,
            history=history_to_wire(sequence.actions),
            candidate_table=candidates_to_table(candidates),
            product_surface=surface,
            table_response=True,
        )
        response = await self._call(request)
        if candidates and not response.prediction_table and not response.predictions:
            # a server from before the table form saw no candidates: ask it the old way
            del request.candidates[:]
            request.candidates.extend(phoenix_pb2.PredictCandidate(post_id=p, author_id=a) for p, a in candidates)
            request.candidate_table, request.table_response = b"", False
            response = await self._call(request)
        if response.prediction_table:
            return predictions_from_table(response.prediction_table, len(candidates))
        return predictions_from_wire(response.predictions)

    async def _call(self, request: phoenix_pb2.PredictRequest) -> phoenix_pb2.PredictResponse:
        try:
            response: phoenix_pb2.PredictResponse = await self.stub.Predict(request, timeout=self.timeout_s)
        except grpc.aio.AioRpcError as exc:
            raise _unavailable("phoenix prediction", exc) from exc
        return response
