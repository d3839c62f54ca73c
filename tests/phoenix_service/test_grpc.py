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
                # the message form (what a client from before the table form asks for) carries the same posts
                from foryou._proto.foryou.phoenix.v1 import phoenix_pb2 as pb
                from foryou._proto.foryou.phoenix.v1 import phoenix_pb2_grpc as pb_grpc
                from foryou.phoenix_service.convert import history_to_wire

                old = await pb_grpc.PhoenixRetrievalServiceStub(channel).Retrieve(
                    pb.RetrieveRequest(user_id=9, history=history_to_wire(HISTORY), max_results=5)
                )
                assert old.posts and not old.score_table
                assert [(p.post_id, p.author_id, p.in_reply_to_post_id, p.score) for p in old.posts] == [
                    tuple(p) for p in remote
                ]
                with pytest.raises(Exception, match="max_results"):
                    await remote_retrieve.retrieve(**args, max_results=20_000)
        finally:
            await server.stop(0)

    asyncio.run(go())
    ranking.close()
    retrieving.close()


def test_both_wire_forms_answer_the_same_and_bad_tables_are_invalid_argument(ranker: PhoenixRanker) -> None:
    from foryou._proto.foryou.phoenix.v1 import phoenix_pb2 as pb
    from foryou._proto.foryou.phoenix.v1 import phoenix_pb2_grpc as pb_grpc
    from foryou.phoenix_service.convert import candidates_to_table, predictions_from_table, predictions_from_wire

    host = ModelHost(ranker)
    ranking = RankingService(host)
    candidates = [(make_snowflake(NOW, sequence=i), 5 + i) for i in range(7)]

    async def go() -> None:
        server = build_phoenix_server(RetrievalService(host, LiveIndex(host, Params())), ranking, address="127.0.0.1:0")
        await server.start()
        try:
            async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
                stub = pb_grpc.PhoenixPredictionServiceStub(channel)
                messages = pb.PredictRequest(
                    user_id=9, candidates=[pb.PredictCandidate(post_id=p, author_id=a) for p, a in candidates]
                )
                old = predictions_from_wire((await stub.Predict(messages)).predictions)
                table = pb.PredictRequest(
                    user_id=9, candidate_table=candidates_to_table(candidates), table_response=True
                )
                new = predictions_from_table((await stub.Predict(table)).prediction_table, len(candidates))
                assert new == old and all(row is not None for row in new)
                for bad in (
                    pb.PredictRequest(user_id=9, candidate_table=b"\0" * 15),
                    pb.PredictRequest(user_id=9, candidate_table=b"\0" * 16, candidates=messages.candidates),
                ):
                    with pytest.raises(grpc.aio.AioRpcError) as err:
                        await stub.Predict(bad)
                    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        finally:
            await server.stop(0)

    asyncio.run(go())
    ranking.close()


def test_the_client_falls_back_to_messages_for_a_server_without_the_table_form(ranker: PhoenixRanker) -> None:
    from foryou._proto.foryou.phoenix.v1 import phoenix_pb2 as pb
    from foryou._proto.foryou.phoenix.v1 import phoenix_pb2_grpc as pb_grpc
    from foryou.phoenix_service.convert import predictions_to_wire

    ranking = RankingService(ModelHost(ranker))

    class OldServer(pb_grpc.PhoenixPredictionServiceServicer):  # type: ignore[misc]
        """Knows only the message form (fields 5 and 6 are unknown to it, so it never reads them)."""

        async def Predict(self, request: pb.PredictRequest, context: object) -> pb.PredictResponse:
            found = [(c.post_id, c.author_id) for c in request.candidates]
            answer = await ranking.predict(user_id=request.user_id, sequence=[], candidates=found, surface=1)
            return pb.PredictResponse(predictions=predictions_to_wire(answer))

    candidates = [(make_snowflake(NOW, sequence=i), 5) for i in range(4)]

    async def go() -> None:
        server = grpc.aio.server()
        pb_grpc.add_PhoenixPredictionServiceServicer_to_server(OldServer(), server)
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        try:
            async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
                got = await GrpcPredictionClient(channel).predict(
                    user_id=9, sequence=SEQ, candidates=candidates, surface=1
                )
                want = await InProcessPredictionClient(ranking).predict(
                    user_id=9, sequence=SEQ, candidates=candidates, surface=1
                )
                assert len(got) == 4
                for g, w in zip(got, want, strict=True):
                    assert g is not None and w is not None and g == pytest.approx(w, abs=1e-6)
        finally:
            await server.stop(0)

    asyncio.run(go())
    ranking.close()
