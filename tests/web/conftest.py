"""Fixtures of the explorer tests: the HTTP app over the small in-memory For You world."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from foryou.params import Params
from foryou.pipeline import TraceBuffer
from foryou.serving.http_app import build_http_app

from .feed_world import build_service, search_users

ADMIN_TOKEN = "explorer-secret"


class Client:
    """A synchronous in-process client for an ASGI app (httpx over ASGITransport, one loop per call)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return asyncio.run(self._send("GET", path, **kw))

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return asyncio.run(self._send("POST", path, **kw))

    async def _send(self, method: str, path: str, **kw: Any) -> httpx.Response:
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://explorer.test") as client:
            return await client.request(method, path, **kw)


@pytest.fixture
def explorer_app() -> Iterator[FastAPI]:
    traces = TraceBuffer(capacity=100, ttl_s=600)
    service = build_service(traces)
    yield build_http_app(
        service,
        params=Params(),
        traces=traces,
        registry=CollectorRegistry(),
        admin_token=ADMIN_TOKEN,
        search_users=search_users,
        explorer=True,
    )
    service.close()
