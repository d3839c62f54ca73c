"""The ranking service path under concurrent requests: candidates scored per second, with and
without cross-request micro-batching (part of `foryou bench ranker`)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import torch

from foryou.events.uas import AggregatedAction
from foryou.params import Params
from foryou.phoenix import PhoenixConfig, PhoenixRanker
from foryou.phoenix_service.model_host import ModelHost
from foryou.phoenix_service.ranking import RankingService


def _history(user: int, length: int) -> list[AggregatedAction]:
    return [
        AggregatedAction(1_000_000 + user * 1000 + i, 500 + i % 97, 1 | (i % 7) << 1, 1, i, i, 0) for i in range(length)
    ]


async def _run(service: RankingService, *, clients: int, requests: int, candidates: int, history: int) -> float:
    async def client(c: int) -> int:
        scored = 0
        for r in range(requests):
            cands = [(10_000_000 + c * 100_000 + r * 1000 + i, 7 + i % 53) for i in range(candidates)]
            out = await service.predict(user_id=c + 1, sequence=_history(c, history), candidates=cands, surface=1)
            scored += len(out)
        return scored

    start = time.perf_counter()
    total = sum(await asyncio.gather(*[client(c) for c in range(clients)]))
    return total / (time.perf_counter() - start)


def run_service_bench(
    *, clients: int = 8, requests: int = 4, candidates: int = 256, history: int = 128, threads: int = 2
) -> dict[str, Any]:
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    ranker = PhoenixRanker(PhoenixConfig.from_params(Params()))
    results = {}
    for label, batch in (("micro_batched", 8), ("one_request_at_a_time", 1)):
        service = RankingService(ModelHost(ranker), max_batch_requests=batch)
        try:
            asyncio.run(_run(service, clients=2, requests=1, candidates=candidates, history=history))  # warm-up
            rate = asyncio.run(
                _run(service, clients=clients, requests=requests, candidates=candidates, history=history)
            )
            results[label] = {"candidates_per_s": round(rate, 1), "batches": service.stats.batches}
        finally:
            service.close()
    return {"concurrent_clients": clients, "candidates_per_request": candidates, "history": history, **results}
