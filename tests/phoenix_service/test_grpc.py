"""The Phoenix gRPC services answer exactly what the in-process services answer."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from foryou.core import make_snowflake
from foryou.events.uas import AggregatedAction, UasConfig, aggregate
from foryou.home_mixer.clients.phoenix_clients import (
    GrpcPredictionClient,
    GrpcRetrievalClient,
    InProcessPredictionClient,
    InProcessRetrievalClient,
)
from foryou.params import Params
from foryou.phoenix import PhoenixRanker, RetrievalModel
from foryou.phoenix_service.live_index import LiveIndex
from foryou.phoenix_service.model_host import ModelHost
from foryou.phoenix_service.ranking import RankingService
from foryou.phoenix_service.retrieval import RetrievalService
from foryou.serving.grpc_phoenix import build_phoenix_server

from .test_live_index import NOW, created

SEQ = aggregate(9, [], config=UasConfig())
HISTORY = [AggregatedAction(100 + i, 7, 1 << i % 3, 1, i, i, 0) for i in range(4)]


def test_grpc_answers_equal_in_process(ranker: PhoenixRanker, retrieval: RetrievalModel) -> None:
    host = ModelHost(ranker, retrieval)
    index = LiveIndex(host, Params())
    for i in range(20):
        index.apply(created(make_snowflake(NOW - 1000, sequence=i), 3 + i % 4), now_ms=NOW)
    index.flush()
    ranking, retrieving = RankingService(host), RetrievalService(host, index)
    sequence = type(SEQ)(9, tuple(HISTORY), SEQ.metadata)
    candidates = [(make_snowflake(NOW, sequence=i), 5) for i in range(6)]

    async def go() -> None:
        server = build_phoenix_server(retrieving, ranking, address="127.0.0.1:0")
        await server.start()
        try:
            async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
                remote_rank = GrpcPredictionClient(channel)
                remote_retrieve = GrpcRetrievalClient(channel)
                local_rank = InProcessPredictionClient(ranking)
                local_retrieve = InProcessRetrievalClient(retrieving)
                args = {"user_id": 9, "sequence": sequence}
                got = await remote_rank.predict(**args, candidates=candidates, surface=1)
                want = await local_rank.predict(**args, candidates=candidates, surface=1)
                for g, w in zip(got, want, strict=True):
                    assert g is not None and w is not None
                    assert g == pytest.approx(w, abs=1e-6)
                remote = await remote_retrieve.retrieve(**args, max_results=5)
                local = await local_retrieve.retrieve(**args, max_results=5)
                assert [p.post_id for p in remote] == [p.post_id for p in local] and len(local) == 5
                assert [p.score for p in remote] == pytest.approx([p.score for p in local], abs=1e-6)
                with pytest.raises(Exception, match="max_results"):
                    await remote_retrieve.retrieve(**args, max_results=20_000)
        finally:
            await server.stop(0)

    asyncio.run(go())
    ranking.close()
    retrieving.close()
