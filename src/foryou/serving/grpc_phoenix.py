"""gRPC edge of Phoenix: PhoenixRetrievalService and PhoenixPredictionService (distributed mode).

Thin: validate → convert → call the same in-process service the single-process mode uses → convert.
The caller's gRPC deadline feeds the ranking service's admission control.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from foryou._proto.foryou.phoenix.v1 import phoenix_pb2 as pb
from foryou._proto.foryou.phoenix.v1 import phoenix_pb2_grpc as pb_grpc
from foryou.core.errors import InvalidInputError, ResourceExhaustedError, UnavailableError
from foryou.phoenix_service.convert import (
    candidates_of,
    history_from_wire,
    predictions_to_table,
    predictions_to_wire,
    retrieved_to_tables,
)
from foryou.phoenix_service.ranking import RankingService
from foryou.phoenix_service.retrieval import RetrievalService

RETRIEVAL = "foryou.v1.PhoenixRetrievalService"
PREDICTION = "foryou.v1.PhoenixPredictionService"
_CODES = (
    (InvalidInputError, grpc.StatusCode.INVALID_ARGUMENT),
    (ResourceExhaustedError, grpc.StatusCode.RESOURCE_EXHAUSTED),
    (UnavailableError, grpc.StatusCode.UNAVAILABLE),
)


async def _abort(context: grpc.aio.ServicerContext, exc: Exception) -> None:
    for kind, code in _CODES:
        if isinstance(exc, kind):
            await context.abort(code, str(exc))
    raise exc


class RetrievalServicer(pb_grpc.PhoenixRetrievalServiceServicer):  # type: ignore[misc]
    def __init__(self, service: RetrievalService) -> None:
        self.service = service

    async def Retrieve(self, request: pb.RetrieveRequest, context: grpc.aio.ServicerContext) -> pb.RetrieveResponse:
        try:
            found = await self.service.retrieve(
                user_id=request.user_id, sequence=history_from_wire(request.history), max_results=request.max_results
            )
        except Exception as exc:
            await _abort(context, exc)
        if request.table_response:
            post_table, score_table = retrieved_to_tables(found)
            return pb.RetrieveResponse(post_table=post_table, score_table=score_table)
        posts = [
            pb.RetrievedPost(
                post_id=r.post_id, author_id=r.author_id, in_reply_to_post_id=r.in_reply_to_post_id, score=r.score
            )
            for r in found
        ]
        return pb.RetrieveResponse(posts=posts)


class PredictionServicer(pb_grpc.PhoenixPredictionServiceServicer):  # type: ignore[misc]
    def __init__(self, service: RankingService) -> None:
        self.service = service

    async def Predict(self, request: pb.PredictRequest, context: grpc.aio.ServicerContext) -> pb.PredictResponse:
        remaining = context.time_remaining()
        try:
            predictions = await self.service.predict(
                user_id=request.user_id,
                sequence=history_from_wire(request.history),
                candidates=candidates_of(request),
                surface=request.product_surface,
                deadline_s=remaining,
            )
        except Exception as exc:
            await _abort(context, exc)
        if request.table_response:
            return pb.PredictResponse(prediction_table=predictions_to_table(predictions))
        return pb.PredictResponse(predictions=predictions_to_wire(predictions))


@dataclass
class PhoenixGrpc:
    server: grpc.aio.Server
    port: int
    health: health.aio.HealthServicer

    async def start(self) -> None:
        await self.server.start()
        for name in ("", RETRIEVAL, PREDICTION):
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)

    async def stop(self, grace_s: float = 1.0) -> None:
        await self.server.stop(grace_s)


def build_phoenix_server(
    retrieval: RetrievalService, ranking: RankingService, *, address: str, max_message_bytes: int = 64 << 20
) -> PhoenixGrpc:
    options = [
        ("grpc.max_receive_message_length", max_message_bytes),
        ("grpc.max_send_message_length", max_message_bytes),
    ]
    server = grpc.aio.server(options=options)
    pb_grpc.add_PhoenixRetrievalServiceServicer_to_server(RetrievalServicer(retrieval), server)
    pb_grpc.add_PhoenixPredictionServiceServicer_to_server(PredictionServicer(ranking), server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection((RETRIEVAL, PREDICTION, health.SERVICE_NAME, reflection.SERVICE_NAME), server)
    port = server.add_insecure_port(address)
    return PhoenixGrpc(server, port, health_servicer)
