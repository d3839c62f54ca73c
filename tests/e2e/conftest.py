"""A whole foryou deployment in one process over a small generated world, shared by the e2e tests.

The app runs on its own event loop in a background thread; tests talk to it over real gRPC and HTTP
on 127.0.0.1 (free ports), exactly as a client would.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import torch

from foryou.params import Params
from foryou.phoenix import (
    InputConfig,
    PhoenixConfig,
    PhoenixRanker,
    RetrievalConfig,
    RetrievalModel,
    TransformerConfig,
    save_checkpoint,
)
from foryou.serving.run import Started, start, world_clock
from foryou.serving.single_process import ServeOptions
from foryou.world import WorldConfig, generate_world

T = TypeVar("T")
ADMIN_TOKEN = "e2e-admin-token"


@dataclass
class Deployment:
    started: Started
    loop: asyncio.AbstractEventLoop
    world: Path

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.started.http_port}"

    @property
    def grpc_target(self) -> str:
        return f"127.0.0.1:{self.started.grpc_port}"

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


def small_models(directory: Path) -> tuple[Path, Path]:
    torch.manual_seed(0)
    tf = TransformerConfig(emb_size=32, num_layers=1, num_q_heads=2, num_kv_heads=1, key_size=16)
    inputs = InputConfig(history_seq_len=32)
    save_checkpoint(PhoenixRanker(PhoenixConfig(transformer=tf, inputs=inputs)), directory / "ranker")
    save_checkpoint(RetrievalModel(RetrievalConfig(transformer=tf, inputs=inputs)), directory / "retrieval")
    return directory / "ranker", directory / "retrieval"


@pytest.fixture(scope="session")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    root = tmp_path_factory.mktemp("e2e")
    world = root / "world"
    generate_world(WorldConfig(users=400, days=1, seed=3), world, progress=False)
    ranker, retrieval = small_models(root / "models")
    options = ServeOptions(
        state_dir=root / "state",
        stores="memory",
        ranker=ranker,
        retrieval=retrieval,
        admin_token=ADMIN_TOKEN,
        grpc_port=0,
        http_port=0,
    )
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="e2e-loop", daemon=True)
    thread.start()
    future = asyncio.run_coroutine_threadsafe(
        start(Params(), options, events=[world], clock=world_clock(world), ready_timeout_s=120), loop
    )
    started = future.result(180)
    try:
        yield Deployment(started, loop, world)
    finally:
        asyncio.run_coroutine_threadsafe(started.app.stop(), loop).result(60)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
