"""The gRPC edge of Thunder: `foryou.v1.InNetworkPostsService` plus health checking and reflection.

Thin: take a permit on the event loop without waiting (RESOURCE_EXHAUSTED otherwise), convert the
wire request, answer off the event loop in a thread pool sized to the permits, convert back. Health
reports NOT_SERVING until ingestion has caught up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from foryou._proto.foryou.thunder.v1 import thunder_pb2, thunder_pb2_grpc
from foryou.core.errors import InvalidInputError, ResourceExhaustedError
from foryou.thunder.in_network import FollowingLoadError, InNetworkPosts, InNetworkRequest
from foryou.thunder.light_post import LightPost

SERVICE_NAME = "foryou.v1.InNetworkPostsService"


class InNetworkPostsServicer(thunder_pb2_grpc.InNetworkPostsServiceServicer):  # type: ignore[misc]
    def __init__(self, posts: InNetworkPosts, executor: ThreadPoolExecutor) -> None:
        self.posts = posts
        self.executor = executor

    async def GetInNetworkPosts(
        self, request: thunder_pb2.GetInNetworkPostsRequest, context: grpc.aio.ServicerContext
    ) -> thunder_pb2.GetInNetworkPostsResponse:
        try:
            self.posts.admit()
        except ResourceExhaustedError as exc:
            await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, str(exc))
        try:
            domain = to_domain(request)
            loop = asyncio.get_running_loop()
            posts = await loop.run_in_executor(self.executor, self.posts.answer, domain)
        except InvalidInputError as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        except FollowingLoadError as exc:
            await context.abort(grpc.StatusCode.INTERNAL, str(exc))
        finally:
            self.posts.release()
        return thunder_pb2.GetInNetworkPostsResponse(posts=[to_wire(p) for p in posts])


def to_domain(request: thunder_pb2.GetInNetworkPostsRequest) -> InNetworkRequest:
    return InNetworkRequest(
        user_id=request.user_id,
        following_user_ids=list(request.following_user_ids),
        max_results=request.max_results,
        exclude_tweet_ids=list(request.exclude_tweet_ids),
        algorithm=request.algorithm,
        debug=request.debug,
        is_video_request=request.is_video_request,
    )


def to_wire(p: LightPost) -> thunder_pb2.LightPost:
    return thunder_pb2.LightPost(
        post_id=p.post_id,
        author_id=p.author_id,
        created_at_s=p.created_at_s,
        in_reply_to_post_id=p.in_reply_to_post_id,
        in_reply_to_user_id=p.in_reply_to_user_id,
        is_retweet=p.is_retweet,
        is_reply=p.is_reply,
        source_post_id=p.source_post_id,
        source_user_id=p.source_user_id,
        has_video=p.has_video,
        conversation_id=p.conversation_id,
        quoted_post_id=p.quoted_post_id,
    )


def from_wire(p: thunder_pb2.LightPost) -> LightPost:
    """For gRPC clients (the home mixer's Thunder client)."""
    return LightPost(
        post_id=p.post_id,
        author_id=p.author_id,
        created_at_s=p.created_at_s,
        in_reply_to_post_id=p.in_reply_to_post_id,
        in_reply_to_user_id=p.in_reply_to_user_id,
        is_retweet=p.is_retweet,
        is_reply=p.is_reply,
        source_post_id=p.source_post_id,
        source_user_id=p.source_user_id,
        has_video=p.has_video,
        conversation_id=p.conversation_id,
        quoted_post_id=p.quoted_post_id,
    )


class ThunderServer:
    """An aio gRPC server for one replica; `ready` drives the health status."""

    def __init__(
        self, posts: InNetworkPosts, ready: Callable[[], bool], *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.executor = ThreadPoolExecutor(posts.limits.max_concurrent_requests, thread_name_prefix="thunder-rpc")
        self.server = grpc.aio.server()
        thunder_pb2_grpc.add_InNetworkPostsServiceServicer_to_server(
            InNetworkPostsServicer(posts, self.executor), self.server
        )
        self.health = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        reflection.enable_server_reflection((SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), self.server)
        self.port = self.server.add_insecure_port(f"{host}:{port}")
        self._ready = ready
        self._watch: asyncio.Task[None] | None = None

    async def start(self) -> None:
        for name in ("", SERVICE_NAME):
            await self.health.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
        await self.server.start()
        self._watch = asyncio.create_task(self._serving_when_ready())

    async def _serving_when_ready(self) -> None:
        while not self._ready():
            await asyncio.sleep(0.05)
        for name in ("", SERVICE_NAME):
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)

    async def stop(self, grace_s: float = 1.0) -> None:
        if self._watch is not None:
            self._watch.cancel()
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace_s)
        self.executor.shutdown(wait=True)
