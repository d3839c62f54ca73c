"""`foryou phoenix serve`: the Phoenix services as their own process (distributed mode).

Consumes the posts and safety topics into the live retrieval index and serves
PhoenixRetrievalService and PhoenixPredictionService over gRPC.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from pathlib import Path

from foryou.core.clock import Clock
from foryou.params import Params
from foryou.phoenix_service.live_index import LiveIndex
from foryou.phoenix_service.model_host import ModelHost
from foryou.serving.consumers import ConsumerStats, run_index_consumer
from foryou.serving.grpc_phoenix import PhoenixGrpc, build_phoenix_server
from foryou.serving.single_process import open_transport
from foryou.serving.threads import ServingThreads
from foryou.transport import POSTS, SAFETY


@dataclass(frozen=True)
class PhoenixOptions:
    ranker: Path | None
    retrieval: Path | None
    kafka: str = ""
    log_dir: Path = Path(".foryou/serve/log")
    group_id: str = "phoenix-index"
    address: str = "127.0.0.1:50061"


class PhoenixProcess:
    def __init__(self, params: Params, options: PhoenixOptions, clock: Clock) -> None:
        threads = ServingThreads.from_params(params)
        threads.enter()  # before anything runs torch (decision 87)
        self.host = ModelHost.from_checkpoints(options.ranker, options.retrieval)
        self.index = LiveIndex(self.host, params)
        self.ranking = threads.ranking_service(self.host, params)
        self.retrieval = threads.retrieval_service(self.host, self.index)
        self.transport = open_transport(options.kafka, options.log_dir)
        self.stats = ConsumerStats()
        self._stop = threading.Event()
        consumer = self.transport.consumer(options.group_id, [POSTS, SAFETY])
        self._thread = threading.Thread(
            target=run_index_consumer, args=(consumer, self.index, clock, self.stats, self._stop), daemon=True
        )
        self.server: PhoenixGrpc = build_phoenix_server(self.retrieval, self.ranking, address=options.address)

    async def start(self, ready_timeout_s: float = 600.0) -> int:
        """Start consuming, wait until caught up, then serve; returns the bound port."""
        self._thread.start()
        loop = asyncio.get_running_loop()
        if not await loop.run_in_executor(None, self.stats.caught_up.wait, ready_timeout_s):
            raise TimeoutError(f"the retrieval index did not catch up within {ready_timeout_s:.0f}s")
        await self.server.start()
        return self.server.port

    async def stop(self) -> None:
        await self.server.stop(0.5)
        self._stop.set()
        self._thread.join(timeout=5)
        self.ranking.close()
        self.retrieval.close()
