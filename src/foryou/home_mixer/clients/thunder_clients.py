"""Clients of Thunder's GetInNetworkPosts: in-process (single-process mode) and gRPC (distributed)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import grpc

from foryou._proto.foryou.thunder.v1 import thunder_pb2, thunder_pb2_grpc
from foryou.core.errors import ResourceExhaustedError, UnavailableError
from foryou.home_mixer.clients.types import InNetworkPost
from foryou.thunder import LightPost
from foryou.thunder.in_network import InNetworkPosts, InNetworkRequest
from foryou.thunder.service import from_wire


def _post(p: LightPost) -> InNetworkPost:
    repost = p.is_retweet
    # positional: a request converts ~1 200 posts, and keywords cost twice as much per call
    return InNetworkPost(
        p.post_id,
        p.author_id,
        p.created_at_s * 1000,
        p.in_reply_to_post_id,
        p.in_reply_to_user_id,
        p.source_post_id if repost else 0,
        p.source_user_id if repost else 0,
        p.conversation_id,
    )


class InProcessThunderClient:
    """Runs Thunder's query off the event loop, as the gRPC servicer does."""

    def __init__(self, posts: InNetworkPosts, executor: ThreadPoolExecutor | None = None) -> None:
        self.posts = posts
        self.executor = executor or ThreadPoolExecutor(2, "thunder-query")

    async def get_in_network_posts(
        self,
        *,
        user_id: int,
        following: Sequence[int],
        max_results: int,
        exclude: Sequence[int],
        algorithm: str = "default",
        is_video_request: bool = False,
    ) -> list[InNetworkPost]:
        request = InNetworkRequest(
            user_id=user_id,
            following_user_ids=list(following),
            max_results=max_results,
            exclude_tweet_ids=list(exclude),
            algorithm=algorithm,
            is_video_request=is_video_request,
        )
        loop = asyncio.get_running_loop()
        posts = await loop.run_in_executor(self.executor, self.posts.get_in_network_posts, request)
        return [_post(p) for p in posts]


class GrpcThunderClient:
    def __init__(self, channel: grpc.aio.Channel) -> None:
        self.stub = thunder_pb2_grpc.InNetworkPostsServiceStub(channel)

    async def get_in_network_posts(
        self,
        *,
        user_id: int,
        following: Sequence[int],
        max_results: int,
        exclude: Sequence[int],
        algorithm: str = "default",
        is_video_request: bool = False,
    ) -> list[InNetworkPost]:
        request = thunder_pb2.GetInNetworkPostsRequest(
            user_id=user_id,
            following_user_ids=list(following),
            max_results=max_results,
            exclude_tweet_ids=list(exclude),
            algorithm=algorithm,
            is_video_request=is_video_request,
        )
        try:
            response = await self.stub.GetInNetworkPosts(request)
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.RESOURCE_EXHAUSTED:
                raise ResourceExhaustedError(f"thunder: {exc.details()}") from exc
            raise UnavailableError(f"thunder: {exc.code().name} {exc.details()}") from exc
        return [_post(from_wire(p)) for p in response.posts]
