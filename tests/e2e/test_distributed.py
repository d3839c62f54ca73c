"""Distributed mode: the Home Mixer calling Thunder and Phoenix over gRPC serves the same feed as the
single-process deployment (SPEC §1.1: both modes MUST behave identically)."""

from __future__ import annotations

from foryou.home_mixer.service import FeedRequest
from foryou.params import Params
from foryou.serving.grpc_phoenix import build_phoenix_server
from foryou.serving.run import start, world_clock
from foryou.serving.single_process import ServeOptions
from foryou.thunder.service import ThunderServer

from .conftest import Deployment
from .test_serving import active_viewer


def test_remote_thunder_and_phoenix_give_the_same_feed(deployment: Deployment, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    app = deployment.started.app
    assert app.thunder is not None
    state = tmp_path_factory.mktemp("distributed")
    viewer = active_viewer(deployment, rank=1)

    async def go() -> tuple[list[int], list[int], list[str]]:
        thunder = ThunderServer(app.thunder.posts, ready=lambda: True)
        phoenix = build_phoenix_server(app.retrieval, app.ranking, address="127.0.0.1:0")
        await thunder.start()
        await phoenix.start()
        options = ServeOptions(
            state_dir=state,
            stores="memory",
            grpc_port=0,
            http_port=0,
            admin_token="t",
            thunder_target=f"127.0.0.1:{thunder.port}",
            phoenix_target=f"127.0.0.1:{phoenix.port}",
        )
        remote = await start(Params(), options, events=[deployment.world], clock=world_clock(deployment.world))
        try:
            request = FeedRequest(viewer_id=viewer, dry_run=True)
            local = await app.service.get_scored_posts(request)
            distributed = await remote.app.service.get_scored_posts(request)
            return (
                [p.tweet_id for p in local.posts],
                [p.tweet_id for p in distributed.posts],
                distributed.degraded_reasons,
            )
        finally:
            await remote.app.stop()
            await phoenix.stop(0)
            await thunder.stop()

    local, distributed, reasons = deployment.call(go(), timeout=120)
    assert local and distributed == local
    assert reasons == []
