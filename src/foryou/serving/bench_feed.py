"""`foryou bench feed`: For You request latency, in process, over a large generated world.

Loads a world's events into memory stores, a Thunder PostStore and the live retrieval index (the
engagement history only of the measured viewers, to keep loading affordable), serves the Phoenix
models at the demo configuration (emb 128, 2 layers, 2 q / 2 kv heads, key 64; random weights: the
cost of a forward does not depend on the weights) and times sequential requests of the viewers who
follow the most accounts.
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch

from foryou._proto.foryou.events.v1 import events_pb2 as pb
from foryou.core.clock import Clock
from foryou.events.eventfile import iter_records
from foryou.home_mixer.clients.phoenix_clients import InProcessPredictionClient, InProcessRetrievalClient
from foryou.home_mixer.clients.store_clients import store_readers
from foryou.home_mixer.clients.thunder_clients import InProcessThunderClient
from foryou.home_mixer.for_you import ForYouClients, pipeline_factory
from foryou.home_mixer.service import FeedRequest, ForYouService
from foryou.params import Params
from foryou.phoenix import PhoenixConfig, PhoenixRanker, RetrievalConfig, RetrievalModel
from foryou.phoenix_service.live_index import LiveIndex
from foryou.phoenix_service.model_host import ModelHost
from foryou.phoenix_service.ranking import RankingService
from foryou.phoenix_service.retrieval import RetrievalService
from foryou.serving.clock import ShiftedClock
from foryou.serving.gc_policy import settle_for_serving
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


async def _measure(world: Path, *, viewers: int, requests: int, threads: int, index: str) -> dict[str, Any]:
    torch.set_num_threads(threads)
    params = Params({"retrieval.index": index})
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
    ranking = RankingService(host, dwell_time_cap_s=float(params.get_int("phoenix.dwell_time_cap_s")))
    retrieval = RetrievalService(host, live_index)
    clients = ForYouClients(
        **store_readers(stores),
        thunder=InProcessThunderClient(
            InNetworkPosts(thunder, limits=ServiceLimits.from_params(params), clock=clock, metrics=ThunderMetrics())
        ),
        retrieval=InProcessRetrievalClient(retrieval),
        ranker=InProcessPredictionClient(ranking),
        clock=clock,
    )
    service = ForYouService(pipeline_factory(clients, params), params=params, clock=clock)
    latencies: list[float] = []
    stages: dict[str, list[float]] = defaultdict(list)
    in_net: list[int] = []
    oon: list[int] = []
    try:
        for i in range(requests + len(chosen)):  # the first round warms caches up and is not counted
            viewer = chosen[i % len(chosen)]
            # dry runs: served-history filtering would otherwise shrink later requests of a viewer
            request = FeedRequest(viewer_id=viewer, dry_run=True)
            t0 = time.perf_counter()
            response = await service.get_scored_posts(request)
            elapsed = (time.perf_counter() - t0) * 1000
            if i < len(chosen):
                continue
            latencies.append(elapsed)
            for stage, ms in response.trace.stage_ms.items():
                stages[stage].append(ms)
            sources = [c.sources for c in response.trace.candidates.values()]
            in_net.append(sum(1 for s in sources for name, _ in s if name == "ThunderSource"))
            oon.append(sum(1 for s in sources for name, _ in s if name == "PhoenixSource"))
    finally:
        service.close()
        ranking.close()
        retrieval.close()
    latencies.sort()
    return {
        "users": counts.get("user_profile", 0),
        "posts": counts.get("post_created", 0),
        "engagement_events": counts.get("engagement", 0),
        "viewers": len(chosen),
        "requests": len(latencies),
        "in_network_candidates": round(statistics.mean(in_net), 1),
        "oon_candidates": round(statistics.mean(oon), 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))], 2),
        "stage_p50_ms": {s: round(statistics.median(v), 2) for s, v in sorted(stages.items())},
        "retrieval_index": index,
        "indexed_posts": len(live_index),
        "load_seconds": round(load_s, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run_feed_bench(
    world: Path, *, viewers: int = 20, requests: int = 200, threads: int = 2, index: str = "exact"
) -> dict[str, Any]:
    return asyncio.run(_measure(world, viewers=viewers, requests=requests, threads=threads, index=index))
