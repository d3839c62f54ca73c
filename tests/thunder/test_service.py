"""The gRPC edge over a real aio server on 127.0.0.1: answers, status codes, health, reflection."""

from __future__ import annotations

import asyncio
import threading

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from foryou._proto.foryou.thunder.v1 import thunder_pb2, thunder_pb2_grpc
from foryou.core.clock import FixedClock
from foryou.core.errors import InvalidInputError
from foryou.thunder.client import InNetworkPostsClient
from foryou.thunder.in_network import InNetworkPosts, InNetworkRequest, ServiceLimits
from foryou.thunder.metrics import ThunderMetrics
from foryou.thunder.service import SERVICE_NAME, ThunderServer, from_wire
from thunder.helpers import NOW, Harness, post


def _posts(limits: ServiceLimits, loader: object = None) -> InNetworkPosts:
    h = Harness()
    h.insert(post(1, 2, created=NOW - 9), post(2, 3, created=NOW - 5), post(3, 2, created=NOW - 1, has_video=True))
    return InNetworkPosts(
        h.store,
        limits=limits,
        clock=FixedClock(NOW * 1000),
        metrics=ThunderMetrics(),
        following_loader=loader,  # type: ignore[arg-type]
    )


async def _with_server(posts: InNetworkPosts, ready: threading.Event, body: object) -> None:
    server = ThunderServer(posts, ready.is_set)
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
            await body(channel)  # type: ignore[operator]
    finally:
        await server.stop(0)


def test_answers_and_status_codes() -> None:
    async def body(channel: grpc.aio.Channel) -> None:
        stub = thunder_pb2_grpc.InNetworkPostsServiceStub(channel)
        reply = await stub.GetInNetworkPosts(thunder_pb2.GetInNetworkPostsRequest(user_id=1, following_user_ids=[2, 3]))
        assert [p.post_id for p in reply.posts] == [3, 2, 1]
        assert from_wire(reply.posts[0]) == post(3, 2, created=NOW - 1, has_video=True)
        video = await stub.GetInNetworkPosts(
            thunder_pb2.GetInNetworkPostsRequest(user_id=1, following_user_ids=[2, 3], is_video_request=True)
        )
        assert [p.post_id for p in video.posts] == [3]
        with pytest.raises(grpc.aio.AioRpcError) as bad:
            await stub.GetInNetworkPosts(thunder_pb2.GetInNetworkPostsRequest(user_id=1, algorithm="x"))
        assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        with pytest.raises(grpc.aio.AioRpcError) as internal:
            await stub.GetInNetworkPosts(thunder_pb2.GetInNetworkPostsRequest(user_id=1, debug=True))
        assert internal.value.code() == grpc.StatusCode.INTERNAL

    ready = threading.Event()
    asyncio.run(_with_server(_posts(ServiceLimits()), ready, body))


def test_capacity_health_and_reflection() -> None:
    entered, release = threading.Event(), threading.Event()

    def slow_graph(user: int) -> list[int]:
        entered.set()
        release.wait(10)
        return [2]

    ready = threading.Event()

    async def body(channel: grpc.aio.Channel) -> None:
        health = health_pb2_grpc.HealthStub(channel)
        status = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME))
        assert status.status == health_pb2.HealthCheckResponse.NOT_SERVING
        ready.set()
        for _ in range(200):
            status = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME))
            if status.status == health_pb2.HealthCheckResponse.SERVING:
                break
            await asyncio.sleep(0.02)
        assert status.status == health_pb2.HealthCheckResponse.SERVING

        stub = thunder_pb2_grpc.InNetworkPostsServiceStub(channel)
        held = asyncio.ensure_future(
            stub.GetInNetworkPosts(thunder_pb2.GetInNetworkPostsRequest(user_id=1, debug=True))
        )
        assert await asyncio.get_running_loop().run_in_executor(None, entered.wait, 10)
        with pytest.raises(grpc.aio.AioRpcError) as busy:
            await stub.GetInNetworkPosts(thunder_pb2.GetInNetworkPostsRequest(user_id=1, following_user_ids=[2]))
        assert busy.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert busy.value.details() == "Server at capacity, please retry"
        release.set()
        assert [p.post_id for p in (await held).posts] == [3, 1]

        refl = reflection_pb2_grpc.ServerReflectionStub(channel)

        async def one() -> reflection_pb2.ServerReflectionResponse:
            async for response in refl.ServerReflectionInfo(
                iter([reflection_pb2.ServerReflectionRequest(list_services="")])
            ):
                return response
            raise AssertionError("no reflection answer")

        names = {s.name for s in (await one()).list_services_response.service}
        assert SERVICE_NAME in names

    asyncio.run(_with_server(_posts(ServiceLimits(max_concurrent_requests=1), slow_graph), ready, body))


def test_client_speaks_the_in_process_vocabulary() -> None:
    async def body(server_port: int) -> None:
        client = InNetworkPostsClient(f"127.0.0.1:{server_port}")
        try:
            posts = await client.get_in_network_posts(InNetworkRequest(user_id=1, following_user_ids=[2, 3]))
            assert [p.post_id for p in posts] == [3, 2, 1]
            with pytest.raises(InvalidInputError):
                await client.get_in_network_posts(InNetworkRequest(user_id=1, following_user_ids=[2], algorithm="x"))
        finally:
            await client.close()

    async def run() -> None:
        server = ThunderServer(_posts(ServiceLimits()), lambda: True)
        await server.start()
        try:
            await body(server.port)
        finally:
            await server.stop(0)

    asyncio.run(run())
