"""gRPC edge of the Home Mixer: ScoredPostsService with health checking, reflection and gzip.

The servicer stays thin: validate → convert → one call into `ForYouService` → convert back; domain
errors map onto gRPC status codes.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from foryou._proto.foryou.mixer.v1 import scored_posts_pb2 as pb
from foryou._proto.foryou.mixer.v1 import scored_posts_pb2_grpc as pb_grpc
from foryou.core.errors import InvalidInputError, ResourceExhaustedError, UnavailableError
from foryou.home_mixer.convert import request_from_proto, response_to_proto
from foryou.home_mixer.service import ForYouService

SERVICE_NAME = "foryou.v1.ScoredPostsService"


class ScoredPostsServicer(pb_grpc.ScoredPostsServiceServicer):  # type: ignore[misc]
    def __init__(self, service: ForYouService) -> None:
        self.service = service

    async def GetScoredPosts(
        self, request: pb.ScoredPostsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ScoredPostsResponse:
        try:
            response = await self.service.get_scored_posts(request_from_proto(request))
        except InvalidInputError as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        except ResourceExhaustedError as exc:
            await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, str(exc))
        except UnavailableError as exc:
            await context.abort(grpc.StatusCode.UNAVAILABLE, str(exc))
        return response_to_proto(response)


@dataclass
class GrpcHandle:
    server: grpc.aio.Server
    port: int
    health: health.aio.HealthServicer

    async def start(self) -> None:
        await self.server.start()
        await self.health.set(SERVICE_NAME, health_pb2.HealthCheckResponse.SERVING)
        await self.health.set("", health_pb2.HealthCheckResponse.SERVING)

    async def stop(self, grace_s: float = 1.0) -> None:
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace_s)


def build_grpc_server(service: ForYouService, *, address: str, max_message_bytes: int) -> GrpcHandle:
    """A server bound to `address` ("127.0.0.1:0" picks a free port); call `start()` on the handle."""
    options = [
        ("grpc.max_receive_message_length", max_message_bytes),
        ("grpc.max_send_message_length", max_message_bytes),
    ]
    server = grpc.aio.server(options=options, compression=grpc.Compression.Gzip)
    pb_grpc.add_ScoredPostsServiceServicer_to_server(ScoredPostsServicer(service), server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection((SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), server)
    port = server.add_insecure_port(address)
    return GrpcHandle(server, port, health_servicer)
