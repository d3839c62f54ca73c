"""Everything in one process on the embedded default (SPEC §1.1): the start-up order of `foryou serve`.

events (world files) → embedded log → Thunder, the stores and the retrieval index consume it →
Phoenix ranking and retrieval services → the For You pipeline → gRPC and HTTP servers on loopback.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import grpc
import uvicorn
from prometheus_client import CollectorRegistry

from foryou.core.clock import Clock
from foryou.events.eventfile import read_events
from foryou.home_mixer.clients.phoenix_clients import (
    GrpcPredictionClient,
    GrpcRetrievalClient,
    InProcessPredictionClient,
    InProcessRetrievalClient,
)
from foryou.home_mixer.clients.protocols import PredictionClient, RetrievalClient, ThunderClient
from foryou.home_mixer.clients.store_clients import store_readers
from foryou.home_mixer.clients.thunder_clients import GrpcThunderClient, InProcessThunderClient
from foryou.home_mixer.for_you import ForYouClients, pipeline_factory
from foryou.home_mixer.service import ForYouService
from foryou.observability import PipelineMetrics
from foryou.params import Params
from foryou.phoenix_service.live_index import LiveIndex
from foryou.phoenix_service.model_host import ModelHost
from foryou.pipeline import TraceBuffer
from foryou.serving.consumers import ConsumerStats, run_index_consumer, run_store_consumer
from foryou.serving.grpc_mixer import GrpcHandle, build_grpc_server
from foryou.serving.http_app import build_http_app
from foryou.serving.threads import ServingThreads
from foryou.serving.user_directory import UserDirectory
from foryou.stores import StoreIngestor, open_stores
from foryou.thunder.node import NodeOptions, ThunderNode
from foryou.transport import ALL_TOPICS, DEFAULT_PARTITIONS, POSTS, SAFETY
from foryou.transport.embedded import EmbeddedLog
from foryou.transport.record import Transport
from foryou.transport.routing import event_files, publish

log = logging.getLogger(__name__)
_IMPORTED = "imported.json"


@dataclass(frozen=True)
class ServeOptions:
    state_dir: Path
    stores: str = ""  # default: sqlite in state_dir
    ranker: Path | None = None
    retrieval: Path | None = None
    admin_token: str | None = None
    host: str = "127.0.0.1"
    grpc_port: int = 50051
    http_port: int = 8080
    kafka: str = ""  # bootstrap servers: events over Kafka instead of the embedded log
    thunder_target: str = ""  # host:port of a Thunder replica (foryou thunder serve) instead of in-process
    phoenix_target: str = ""  # host:port of the Phoenix services (foryou phoenix serve) instead of in-process


def open_transport(kafka: str, log_dir: Path) -> Transport:
    """Kafka when bootstrap servers are given (the `kafka` extra), else the embedded log in `log_dir`."""
    if kafka:
        from foryou.transport.kafka import KafkaTransport

        return KafkaTransport(kafka)
    return EmbeddedLog(log_dir)


class SingleProcess:
    def __init__(self, params: Params, options: ServeOptions, clock: Clock) -> None:
        self.params, self.options, self.clock = params, options, clock
        threads = ServingThreads.from_params(params)
        threads.enter()  # before anything runs torch (decision 87)
        options.state_dir.mkdir(parents=True, exist_ok=True)
        self.transport = open_transport(options.kafka, options.state_dir / "log")
        self.transport.ensure_topics(list(ALL_TOPICS), DEFAULT_PARTITIONS)
        self.stores = open_stores(options.stores or f"sqlite:{options.state_dir / 'stores'}", params)
        self.channels: list[grpc.aio.Channel] = []
        self.thunder: ThunderNode | None = None
        if not options.thunder_target:
            self.thunder = ThunderNode(
                params=params, transport=self.transport, clock=clock, options=NodeOptions(group_id="thunder-local")
            )
        self.host = ModelHost.from_checkpoints(options.ranker, options.retrieval)
        self.index = LiveIndex(self.host, params)
        self.ranking = threads.ranking_service(self.host, params)
        self.retrieval = threads.retrieval_service(self.host, self.index)
        self.registry = CollectorRegistry()
        self.traces = TraceBuffer(capacity=params.get_int("trace.buffer_size"), ttl_s=params.get_int("trace.ttl_s"))
        clients = ForYouClients(
            **store_readers(self.stores),
            thunder=self._thunder_client(),
            retrieval=self._retrieval_client(),
            ranker=self._ranker_client(),
            clock=clock,
            metrics=PipelineMetrics(self.registry),
            traces=self.traces if params.get_bool("trace.enabled") else None,
        )
        self.clients = clients
        self.service = ForYouService(pipeline_factory(clients, params), params=params, clock=clock)
        self.store_stats, self.index_stats = ConsumerStats(), ConsumerStats()
        self.users = UserDirectory()
        self._stop_threads = threading.Event()
        self._stop_tasks = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._threads: list[threading.Thread] = []
        self.grpc: GrpcHandle | None = None
        self._http: uvicorn.Server | None = None

    # -- where Thunder and Phoenix run ------------------------------------------------------------
    def _channel(self, target: str) -> grpc.aio.Channel:
        channel = grpc.aio.insecure_channel(target)
        self.channels.append(channel)
        return channel

    def _thunder_client(self) -> ThunderClient:
        if self.thunder is None:
            return GrpcThunderClient(self._channel(self.options.thunder_target))
        return InProcessThunderClient(self.thunder.posts)

    def _retrieval_client(self) -> RetrievalClient:
        if self.options.phoenix_target:
            return GrpcRetrievalClient(self._channel(self.options.phoenix_target))
        return InProcessRetrievalClient(self.retrieval)

    def _ranker_client(self) -> PredictionClient | None:
        if self.options.phoenix_target:
            return GrpcPredictionClient(self._channel(self.options.phoenix_target))
        return InProcessPredictionClient(self.ranking) if self.host.current.ranker is not None else None

    # -- events ----------------------------------------------------------------------------------
    def import_events(self, source: Path) -> int:
        """Publish an event file or a world's events into the log, once per source (restarts skip it)."""
        marker = self.options.state_dir / _IMPORTED
        done = json.loads(marker.read_text()) if marker.exists() else []
        key = str(source.resolve())
        if key in done:
            return 0
        producer = self.transport.producer()
        try:
            count = sum(publish(producer, read_events(path)) for path in event_files(source))
        finally:
            producer.close()
        marker.write_text(json.dumps([*done, key]))
        return count

    # -- lifecycle -------------------------------------------------------------------------------
    async def start_consumers(self) -> None:
        if self.thunder is not None:
            self.thunder.start()
        start = self.transport.committed("stores") if isinstance(self.transport, EmbeddedLog) else None
        store_consumer = self.transport.consumer("stores", list(ALL_TOPICS), start=start)
        ingestor = StoreIngestor(self.stores)
        self._tasks.append(
            asyncio.get_running_loop().create_task(
                run_store_consumer(
                    store_consumer,
                    ingestor,
                    self.store_stats,
                    self._stop_tasks,
                    observe=self.users.observe,
                    purge=lambda: self.stores.purge_expired(self.clock.now_ms()),
                )
            )
        )
        if self.options.phoenix_target:
            self.index_stats.caught_up.set()  # the remote Phoenix service keeps its own index
            return
        index_consumer = self.transport.consumer("phoenix-index", [POSTS, SAFETY])
        thread = threading.Thread(
            target=run_index_consumer,
            args=(index_consumer, self.index, self.clock, self.index_stats, self._stop_threads),
            name="phoenix-index",
            daemon=True,
        )
        thread.start()
        self._threads.append(thread)

    @property
    def ready(self) -> bool:
        thunder_ready = self.thunder is None or self.thunder.ready
        return thunder_ready and self.store_stats.caught_up.is_set() and self.index_stats.caught_up.is_set()

    async def wait_ready(self, timeout_s: float) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while not self.ready:
            if loop.time() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    async def start_servers(self) -> tuple[int, int]:
        """Start gRPC and HTTP; returns the bound (grpc_port, http_port)."""
        o = self.options
        self.grpc = build_grpc_server(
            self.service,
            address=f"{o.host}:{o.grpc_port}",
            max_message_bytes=self.params.get_int("mixer.max_grpc_message_bytes"),
        )
        await self.grpc.start()
        app = build_http_app(
            self.service,
            params=self.params,
            traces=self.traces,
            registry=self.registry,
            admin_token=o.admin_token,
            ready=lambda: self.ready,
            search_users=self.users.search,
            explorer=True,
        )
        config = uvicorn.Config(app, host=o.host, port=o.http_port, log_level="warning", lifespan="off")
        self._http = uvicorn.Server(config)
        self._tasks.append(asyncio.get_running_loop().create_task(self._http.serve()))
        while not self._http.started:
            await asyncio.sleep(0.02)
        port = self._http.servers[0].sockets[0].getsockname()[1] if self._http.servers else o.http_port
        return self.grpc.port, int(port)

    async def stop(self) -> None:
        if self._http is not None:
            self._http.should_exit = True
        if self.grpc is not None:
            await self.grpc.stop(0.5)
        await self.service.drain()
        self._stop_tasks.set()
        self._stop_threads.set()
        for task in self._tasks:
            try:
                await asyncio.wait_for(task, 5)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
        if self.thunder is not None:
            self.thunder.stop(snapshot=False)
        for channel in self.channels:
            await channel.close()
        for thread in self._threads:
            thread.join(timeout=5)
        self.service.close()
        self.ranking.close()
        self.retrieval.close()
        self.stores.close()
        if isinstance(self.transport, EmbeddedLog):
            self.transport.close()
