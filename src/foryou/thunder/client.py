"""A gRPC client of `InNetworkPostsService` with the in-process entry point's vocabulary: it takes an
`InNetworkRequest`, returns LightPosts, and turns status codes back into ForYouErrors."""

from __future__ import annotations

import grpc

from foryou._proto.foryou.thunder.v1 import thunder_pb2, thunder_pb2_grpc
from foryou.core.errors import ForYouError, InvalidInputError, ResourceExhaustedError, UnavailableError
from foryou.thunder.in_network import FollowingLoadError, InNetworkRequest
from foryou.thunder.light_post import LightPost
from foryou.thunder.service import from_wire

_ERRORS: dict[grpc.StatusCode, type[ForYouError]] = {
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    grpc.StatusCode.INVALID_ARGUMENT: InvalidInputError,
    grpc.StatusCode.INTERNAL: FollowingLoadError,
}


class InNetworkPostsClient:
    """`await client.get_in_network_posts(request)` against a Thunder replica at `target`."""

    def __init__(self, target: str, *, timeout_s: float = 1.0) -> None:
        self._channel = grpc.aio.insecure_channel(target)
        self._stub = thunder_pb2_grpc.InNetworkPostsServiceStub(self._channel)
        self._timeout_s = timeout_s

    async def get_in_network_posts(self, request: InNetworkRequest) -> list[LightPost]:
        wire = thunder_pb2.GetInNetworkPostsRequest(
            user_id=request.user_id,
            following_user_ids=list(request.following_user_ids),
            max_results=request.max_results,
            exclude_tweet_ids=list(request.exclude_tweet_ids),
            algorithm=request.algorithm,
            debug=request.debug,
            is_video_request=request.is_video_request,
        )
        try:
            reply = await self._stub.GetInNetworkPosts(wire, timeout=self._timeout_s)
        except grpc.aio.AioRpcError as exc:
            error = _ERRORS.get(exc.code(), UnavailableError)
            raise error(f"thunder: {exc.code().name}: {exc.details()}") from exc
        return [from_wire(p) for p in reply.posts]

    async def close(self) -> None:
        await self._channel.close()
