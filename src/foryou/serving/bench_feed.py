"""`foryou bench feed`: For You request latency, in process, over a large generated world.

Loads a world's events into memory stores, a Thunder PostStore and the live retrieval index (the
engagement history only of the measured viewers, to keep loading affordable), serves the Phoenix
models at the demo configuration (emb 128, 2 layers, 2 q / 2 kv heads, key 64; random weights: the
cost of a forward does not depend on the weights) and times sequential requests of the viewers who
follow the most accounts. Its torch threads are laid out as `foryou serve` lays them out: the ranker's
thread on every core, every other thread on one (decision 87); the JSON reports both counts.

`compare` measures variants of the request pipeline side by side: each is a set of parameter overrides,
served from the same loaded world by its own pipeline, and the variants take turns, one round of the
viewers each, so that the host's drift (30 % and more within an hour here) hits them alike (decision 88).
Only settings read when a pipeline is built may differ (sources, hydrators, filters, scorers, timeouts,
Thunder's query limits); the stores, the index, the models and the thread layout are loaded once.

`ranker="grpc"` measures the distributed ranker path instead: the same weights are saved and served by
`foryou phoenix serve` in a child process, and the mixer calls it over gRPC (retrieval, Thunder and the
stores stay in process). `prefetch` sets `scoring.phoenix.prefetch` (decision 82).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import queue
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import grpc
import torch

from foryou._proto.foryou.events.v1 import events_pb2 as pb
from foryou.core.clock import Clock
from foryou.core.processes import stop_process
from foryou.events.eventfile import iter_records
from foryou.home_mixer.clients.phoenix_clients import (
    GrpcPredictionClient,
    InProcessPredictionClient,
    InProcessRetrievalClient,
)
from foryou.home_mixer.clients.protocols import PredictionClient
from foryou.home_mixer.clients.store_clients import store_readers
from foryou.home_mixer.clients.thunder_clients import InProcessThunderClient
from foryou.home_mixer.for_you import ForYouClients, pipeline_factory
from foryou.home_mixer.service import FeedRequest, ForYouService
from foryou.params import Params
from foryou.phoenix import PhoenixConfig, PhoenixRanker, RetrievalConfig, RetrievalModel, save_checkpoint
from foryou.phoenix_service.live_index import LiveIndex
from foryou.phoenix_service.model_host import ModelHost
from foryou.phoenix_service.retrieval import RetrievalService
from foryou.pipeline import RequestTrace
from foryou.serving.clock import ShiftedClock
from foryou.serving.gc_policy import settle_for_serving
from foryou.serving.threads import ServingThreads
from foryou.stores import StoreIngestor, Stores, memory_stores
from foryou.thunder import PostStore, StoreConfig
from foryou.thunder.in_network import InNetworkPosts, ServiceLimits
from foryou.thunder.ingest.decode import decode_batch
from foryou.thunder.metrics import ThunderMetrics
from foryou.transport.record import Record
from foryou.transport.routing import event_files


def _events(world: Path) -> Iterator[tuple[bytes, pb.Event]]:
    for path in event_files(world):
        for _, raw in iter_records(path):
            yield raw, pb.Event.FromString(raw)


def _top_followers(world: Path, count: int) -> list[int]:
    import pyarrow.parquet as pq

    sources = pq.read_table(world / "follows.parquet", columns=["source_user_id"]).column(0).to_numpy()
    users, counts = torch.unique(torch.from_numpy(sources.astype("int64")), return_counts=True)
    order = torch.argsort(counts, descending=True)[:count]
    return [int(users[i]) for i in order]


async def _load(
    world: Path, stores: Stores, thunder: PostStore, index: LiveIndex, viewers: set[int], clock: Clock, params: Params
) -> dict[str, int]:
    ingestor = StoreIngestor(stores)
    min_video = params.get_int("thunder.min_video_duration_ms")
    now_s = clock.now_ms() // 1000
    pending: list[Record] = []
    counts: dict[str, int] = defaultdict(int)

    def flush_posts() -> None:
        batch = decode_batch(pending, min_video_duration_ms=min_video)
        thunder.insert(batch.posts, now_s)
        if batch.deletes:
            thunder.delete(batch.deletes, now_s)
        pending.clear()

    for raw, event in _events(world):
        kind = event.WhichOneof("payload") or ""
        counts[kind] += 1
        if kind in ("post_created", "post_deleted"):
            pending.append(Record("posts", 0, len(pending), None, raw))
            index.apply(event, now_ms=clock.now_ms())
            if len(pending) >= 50_000:
                flush_posts()
        if kind == "engagement" and event.engagement.user_id not in viewers:
            continue
        await ingestor.apply(event)
    flush_posts()
    thunder.finalize(now_s)
    index.flush()
    return dict(counts)


RANKERS = ("in-process", "grpc")
SERVER_START_TIMEOUT_S = 180.0
BASELINE = "default"
# Read when the world is loaded or the services start, so shared by every variant of `compare`.
_SHARED_PREFIXES = ("phoenix.", "retrieval.", "train.", "debug.", "thunder.")
_SHARED_KEYS = frozenset({"mixer.torch_threads", "mixer.max_grpc_message_bytes", "mixer.max_post_age_s"})
# Thunder's query limits: each variant's in-process client applies its own `ServiceLimits`.
_PER_PIPELINE_THUNDER = frozenset(f"thunder.{f.name}" for f in dataclasses.fields(ServiceLimits))


def check_variants(base: Params, compare: Mapping[str, Mapping[str, Any]]) -> dict[str, Params]:
    """The baseline and every variant of `compare` as validated parameters; raises before any loading."""
    variants = {BASELINE: base}
    for name, overrides in compare.items():
        if not name or name == BASELINE or not re.fullmatch(r"[\w.-]+", name):
            raise ValueError(f"variant name {name!r}: use letters, digits, '_', '.' or '-', and not {BASELINE!r}")
        if not overrides:
            raise ValueError(f"variant {name!r} overrides nothing")
        for key in overrides:
            if key in _SHARED_KEYS or (key.startswith(_SHARED_PREFIXES) and key not in _PER_PIPELINE_THUNDER):
                raise ValueError(
                    f"variant {name!r}: {key} is read when the world is loaded or the services start, "
                    "so every variant shares it; run the bench once per value instead"
                )
        variants[name] = base.with_overrides(overrides)
    return variants


class _RemoteRanker:
    """`foryou phoenix serve` over saved copies of the in-process models, on a free loopback port."""

    def __init__(self, host: ModelHost, directory: Path) -> None:
        ranker, retrieval = host.current.ranker, host.current.retrieval
        assert ranker is not None and retrieval is not None
        save_checkpoint(ranker, directory / "ranker")
        save_checkpoint(retrieval, directory / "retrieval")
        # foryou.cli.main first: it sets the OpenMP policy, which must precede torch (decision 79); the
        # server lays out its torch threads itself (decision 87)
        code = "from foryou.cli.main import app; app()"
        args = ["phoenix", "serve", "--ranker", str(directory / "ranker"), "--retrieval", str(directory / "retrieval")]
        args += ["--log-dir", str(directory / "log"), "--port", "0"]
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        # A thread drains the server's output for as long as it runs, so a full pipe never blocks it.
        assert self.process.stdout is not None
        self._lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=_drain, args=(self.process.stdout, self._lines), daemon=True)
        self._reader.start()
        try:
            self.port = _bound_port(self.process, self._lines, SERVER_START_TIMEOUT_S)
        except BaseException:
            self._stop()
            raise
        self.channel = grpc.aio.insecure_channel(f"127.0.0.1:{self.port}")

    async def close(self) -> None:
        await self.channel.close()
        self._stop()

    def _stop(self) -> None:
        stop_process(self.process, timeout_s=15)
        self._reader.join(timeout=5)  # it ends at the output's end
        assert self.process.stdout is not None
        self.process.stdout.close()


def _bound_port(process: subprocess.Popen[str], lines: queue.Queue[str], timeout_s: float) -> int:
    """The port from the server's "Phoenix gRPC on HOST:PORT" line, or its last output in the error."""
    deadline = time.monotonic() + timeout_s
    seen: list[str] = []
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if not line:  # the process ended
            break
        seen.append(line)
        found = re.search(r"Phoenix gRPC on \S+:(\d+)", line)
        if found:
            return int(found.group(1))
    raise RuntimeError("the Phoenix server did not start:\n" + "".join(seen[-20:]))


def _drain(stream: IO[str], lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)
    lines.put("")


async def _measure(
    world: Path,
    *,
    viewers: int,
    requests: int,
    index: str,
    ranker: str,
    prefetch: str | None,
    compare: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    if ranker not in RANKERS:
        raise ValueError(f"ranker must be one of {RANKERS}, not {ranker!r}")
    overrides: dict[str, Any] = {"retrieval.index": index}
    if prefetch is not None:
        overrides["scoring.phoenix.prefetch"] = prefetch
    params = Params(overrides)  # checks both values before anything is loaded
    variants = check_variants(params, compare)
    threads = ServingThreads.from_params(params)
    threads.enter()  # as `foryou serve` does: before anything runs torch
    clock = ShiftedClock(int(json.loads((world / "world.json").read_text())["end_ms"]))
    torch.manual_seed(0)
    host = ModelHost(
        PhoenixRanker(PhoenixConfig.from_params(params)), RetrievalModel(RetrievalConfig.from_params(params))
    )
    stores = memory_stores(params)
    thunder = PostStore(StoreConfig.from_params(params))
    live_index = LiveIndex(host, params)
    chosen = _top_followers(world, viewers)
    started = time.perf_counter()
    counts = await _load(world, stores, thunder, live_index, set(chosen), clock, params)
    load_s = time.perf_counter() - started
    settle_for_serving()  # as `foryou serve` does after its replay
    async with contextlib.AsyncExitStack() as stack:
        predictions: PredictionClient
        if ranker == "grpc":
            directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="foryou-bench-feed-")))
            remote = _RemoteRanker(host, directory)
            stack.push_async_callback(remote.close)
            predictions = GrpcPredictionClient(remote.channel)
        else:
            ranking = threads.ranking_service(host, params)
            stack.callback(ranking.close)
            predictions = InProcessPredictionClient(ranking)
        results = await _requests(
            chosen, requests, variants, stores, thunder, live_index, host, predictions, clock, threads
        )
    compared = (
        {"variants": {name: {**results[name], "overrides": dict(compare.get(name, {}))} for name in variants}}
        if compare
        else {}
    )
    return {
        "users": counts.get("user_profile", 0),
        "posts": counts.get("post_created", 0),
        "engagement_events": counts.get("engagement", 0),
        "viewers": len(chosen),
        **results[BASELINE],
        **compared,
        "retrieval_index": index,
        "ranker": ranker,
        "prefetch": params.get_str("scoring.phoenix.prefetch"),
        "torch_threads": threads.summary(),
        "indexed_posts": len(live_index),
        "load_seconds": round(load_s, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


async def _requests(
    chosen: list[int],
    requests: int,
    variants: Mapping[str, Params],
    stores: Stores,
    thunder: PostStore,
    live_index: LiveIndex,
    host: ModelHost,
    predictions: PredictionClient,
    clock: Clock,
    threads: ServingThreads,
) -> dict[str, dict[str, Any]]:
    """`requests` measured requests per variant, after one unmeasured round of the viewers that warms
    caches up; the variants take turns, one round of the viewers each."""
    retrieval = threads.retrieval_service(host, live_index)
    services = {
        name: _service(params, stores, thunder, retrieval, predictions, clock) for name, params in variants.items()
    }
    samples = {name: _Samples() for name in services}
    total = requests + len(chosen)
    try:
        for round_start in range(0, total, len(chosen)):
            for name, service in services.items():
                for i in range(round_start, min(round_start + len(chosen), total)):
                    # dry runs: served-history filtering would otherwise shrink later requests of a viewer
                    request = FeedRequest(viewer_id=chosen[i % len(chosen)], dry_run=True)
                    t0 = time.perf_counter()
                    response = await service.get_scored_posts(request)
                    elapsed = (time.perf_counter() - t0) * 1000
                    if i >= len(chosen):
                        samples[name].add(elapsed, response.trace)
    finally:
        for service in services.values():
            service.close()
        retrieval.close()
    return {name: sample.summary() for name, sample in samples.items()}


def _service(
    params: Params,
    stores: Stores,
    thunder: PostStore,
    retrieval: RetrievalService,
    predictions: PredictionClient,
    clock: Clock,
) -> ForYouService:
    clients = ForYouClients(
        **store_readers(stores),
        thunder=InProcessThunderClient(
            InNetworkPosts(thunder, limits=ServiceLimits.from_params(params), clock=clock, metrics=ThunderMetrics())
        ),
        retrieval=InProcessRetrievalClient(retrieval),
        ranker=predictions,
        clock=clock,
    )
    return ForYouService(pipeline_factory(clients, params), params=params, clock=clock)


class _Samples:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.stages: dict[str, list[float]] = defaultdict(list)
        self.in_network: list[int] = []
        self.oon: list[int] = []

    def add(self, elapsed_ms: float, trace: RequestTrace) -> None:
        self.latencies.append(elapsed_ms)
        for stage, ms in trace.stage_ms.items():
            self.stages[stage].append(ms)
        # from the recorded key lists: building the per-candidate view after every request made the
        # next requests' ranker forward measurably slower
        counts = trace.source_counts()
        self.in_network.append(counts.get("ThunderSource", 0))
        self.oon.append(counts.get("PhoenixSource", 0))

    def summary(self) -> dict[str, Any]:
        latencies = sorted(self.latencies)
        return {
            "requests": len(latencies),
            "in_network_candidates": round(statistics.mean(self.in_network), 1),
            "oon_candidates": round(statistics.mean(self.oon), 1),
            "p50_ms": round(statistics.median(latencies), 2),
            "p99_ms": round(latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))], 2),
            "stage_p50_ms": {s: round(statistics.median(v), 2) for s, v in sorted(self.stages.items())},
        }


def run_feed_bench(
    world: Path,
    *,
    viewers: int = 20,
    requests: int = 200,
    index: str = "exact",
    ranker: str = "in-process",
    prefetch: str | None = None,
    compare: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    previous = torch.get_num_threads()
    try:
        return asyncio.run(
            _measure(
                world,
                viewers=viewers,
                requests=requests,
                index=index,
                ranker=ranker,
                prefetch=prefetch,
                compare=compare or {},
            )
        )
    finally:
        torch.set_num_threads(previous)
