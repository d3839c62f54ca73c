"""Graceful degradation (Home Mixer issue): every dependency down in turn, against the real deployment.

Each test builds a For You service over the deployment's real clients with one of them failing — a
store behind its failure switch, Thunder behind a gRPC channel to a closed port, Phoenix with no
checkpoint — and checks the feed is still served and marked degraded, or UNAVAILABLE for unreadable
block / mute data.
"""

from __future__ import annotations

import dataclasses
import socket

import grpc
import pytest

from foryou.core import RequestAbortedError
from foryou.home_mixer.candidate import ServedType
from foryou.home_mixer.clients.phoenix_clients import InProcessPredictionClient, InProcessRetrievalClient
from foryou.home_mixer.clients.store_clients import store_readers
from foryou.home_mixer.clients.thunder_clients import GrpcThunderClient
from foryou.home_mixer.for_you import ForYouClients, pipeline_factory
from foryou.home_mixer.service import FeedRequest, FeedResponse, ForYouService
from foryou.params import Params
from foryou.phoenix_service.model_host import ModelHost
from foryou.phoenix_service.ranking import RankingService
from foryou.phoenix_service.retrieval import RetrievalService
from foryou.stores import with_failures

from .conftest import Deployment
from .test_serving import active_viewer


def service_with(d: Deployment, params: Params | None = None, **overrides: object) -> tuple[ForYouService, dict]:  # type: ignore[type-arg]
    app = d.started.app
    stores, switches = with_failures(app.stores)
    clients = dataclasses.replace(
        app.clients,
        **store_readers(stores, cache_posts=False),
        metrics=None,
        traces=None,
        **overrides,
    )
    params = params or Params()
    return ForYouService(pipeline_factory(clients, params), params=params, clock=app.clock), switches


def feed(d: Deployment, service: ForYouService) -> FeedResponse:
    return d.call(service.get_scored_posts(FeedRequest(viewer_id=active_viewer(d))))


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_baseline_is_not_degraded(deployment: Deployment) -> None:
    service, _ = service_with(deployment)
    response = feed(deployment, service)
    assert response.posts and not response.degraded


def test_thunder_down(deployment: Deployment) -> None:
    async def make() -> ForYouClients:
        return GrpcThunderClient(grpc.aio.insecure_channel(f"127.0.0.1:{closed_port()}"))  # type: ignore[return-value]

    thunder = deployment.call(make())
    service, _ = service_with(deployment, thunder=thunder)
    response = feed(deployment, service)
    assert response.posts and "source_error:ThunderSource" in response.degraded_reasons
    assert {p.served_type for p in response.posts} == {ServedType.FOR_YOU_PHOENIX_RETRIEVAL}


def test_retrieval_down(deployment: Deployment) -> None:
    app = deployment.started.app
    empty = ModelHost()
    service, _ = service_with(deployment, retrieval=InProcessRetrievalClient(RetrievalService(empty, app.index)))
    response = feed(deployment, service)
    assert response.posts and "source_error:PhoenixSource" in response.degraded_reasons
    assert {p.served_type for p in response.posts} == {ServedType.FOR_YOU_IN_NETWORK}


def test_ranker_down_serves_reverse_chronological(deployment: Deployment) -> None:
    service, _ = service_with(deployment, ranker=InProcessPredictionClient(RankingService(ModelHost())))
    response = feed(deployment, service)
    assert response.posts and "ranker_error" in response.degraded_reasons
    ids = [p.tweet_id for p in response.posts]
    # newest first: snowflake ids grow with time (dedup by conversation may only drop, never reorder)
    assert ids == sorted(ids, reverse=True)


@pytest.mark.parametrize("store", ["user_actions", "posts", "users", "safety_labels", "served_history"])
def test_each_store_down_still_serves(deployment: Deployment, store: str) -> None:
    service, switches = service_with(deployment)
    switches[store].down()
    response = feed(deployment, service)
    assert response.posts, f"empty feed with {store} down"
    assert response.degraded


def test_block_mute_data_unreadable_fails_unavailable(deployment: Deployment) -> None:
    service, switches = service_with(deployment)
    switches["social_graph"].down()
    with pytest.raises(RequestAbortedError):
        feed(deployment, service)


def test_block_mute_data_from_a_recent_copy_is_used_and_marked(deployment: Deployment) -> None:
    service, switches = service_with(deployment)
    assert feed(deployment, service).posts  # reads and remembers the viewer's lists
    switches["social_graph"].down()
    response = feed(deployment, service)
    assert response.posts and "user_features_stale" in response.degraded_reasons
