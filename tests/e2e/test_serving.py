"""End to end over real gRPC and HTTP: feeds, validation, health, reflection, gzip, explain, metrics."""

from __future__ import annotations

import json

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from foryou._proto.foryou.mixer.v1 import scored_posts_pb2 as pb
from foryou._proto.foryou.mixer.v1 import scored_posts_pb2_grpc as pb_grpc

from .conftest import ADMIN_TOKEN, Deployment


def active_viewer(d: Deployment, rank: int = 0) -> int:
    """A viewer who follows people: the `rank`-th by number of follows (0 = the most). Tests that compare
    two deployments use a viewer no other test asks for, so that no served history differs."""
    import pyarrow.parquet as pq

    column = pq.read_table(d.world / "follows.parquet").column(0).to_pylist()
    return sorted(set(column), key=lambda u: (-column.count(u), u))[rank]


def test_grpc_feed_health_reflection_and_gzip(deployment: Deployment) -> None:
    viewer = active_viewer(deployment)
    with grpc.insecure_channel(deployment.grpc_target, compression=grpc.Compression.Gzip) as channel:
        stub = pb_grpc.ScoredPostsServiceStub(channel)
        response = stub.GetScoredPosts(pb.ScoredPostsRequest(viewer_id=viewer), timeout=30)
        assert 0 < len(response.scored_posts) <= 35
        assert response.request_id.endswith(f"-{viewer}")
        assert all(p.served_type in (1, 2) for p in response.scored_posts)
        assert len(response.scored_posts) == len({p.tweet_id for p in response.scored_posts})
        with pytest.raises(grpc.RpcError) as err:
            stub.GetScoredPosts(pb.ScoredPostsRequest(viewer_id=0), timeout=10)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "viewer_id must be specified" in (err.value.details() or "")
        health = health_pb2_grpc.HealthStub(channel)
        status = health.Check(health_pb2.HealthCheckRequest(service="foryou.v1.ScoredPostsService"), timeout=5)
        assert status.status == health_pb2.HealthCheckResponse.SERVING
        reflect = reflection_pb2_grpc.ServerReflectionStub(channel)
        replies = list(reflect.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")])))
        names = {s.name for s in replies[0].list_services_response.service}
        assert "foryou.v1.ScoredPostsService" in names


def test_http_feed_explain_metrics_and_health(deployment: Deployment) -> None:
    viewer = active_viewer(deployment)
    with httpx.Client(base_url=deployment.http, timeout=30) as client:
        r = client.post("/v1/scored-posts", json={"viewer_id": viewer})
        assert r.status_code == 200, r.text
        body = r.json()
        assert 0 < len(body["scored_posts"]) <= 35
        assert isinstance(body["scored_posts"][0]["tweet_id"], str)
        request_id = body["request_id"]
        assert client.get(f"/v1/explain/{request_id}").status_code in (401, 403)
        explained = client.get(f"/v1/explain/{request_id}", headers={"X-Admin-Token": ADMIN_TOKEN})
        assert explained.status_code == 200
        candidates = explained.json()["candidates"]
        assert len(candidates) >= len(body["scored_posts"])
        first = body["scored_posts"][0]["tweet_id"]
        one = client.get(f"/v1/explain/{request_id}/{first}", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert one.status_code == 200 and one.json()["fate"] == "served at 0"
        assert "terms" in one.json()["score_breakdown"]
        assert client.post("/v1/scored-posts", json={"viewer_id": 0}).status_code == 400
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").status_code == 200
        metrics = client.get("/metrics").text
        assert "foryou_requests_total" in metrics and "foryou_component_latency_seconds" in metrics
        assert "/v1/scored-posts" in json.dumps(client.get("/openapi.json").json()["paths"])


def test_served_posts_are_not_served_again(deployment: Deployment) -> None:
    viewer = active_viewer(deployment)
    with httpx.Client(base_url=deployment.http, timeout=30) as client:
        first = {
            p["tweet_id"] for p in client.post("/v1/scored-posts", json={"viewer_id": viewer}).json()["scored_posts"]
        }
        deployment.call(deployment.started.app.service.drain())
        second = {
            p["tweet_id"] for p in client.post("/v1/scored-posts", json={"viewer_id": viewer}).json()["scored_posts"]
        }
    assert first and not (first & second)


def test_per_request_scoring_overrides_change_the_ranking_only_for_that_request(deployment: Deployment) -> None:
    viewer = active_viewer(deployment)
    body = {"viewer_id": viewer, "seen_ids": [], "include_trace": False}
    with httpx.Client(base_url=deployment.http, timeout=30) as client:
        bad = client.post("/v1/scored-posts", json={**body, "scoring_overrides": {"mixer.top_k": 5}})
        assert bad.status_code == 400
        odd = client.post("/v1/scored-posts", json={**body, "scoring_overrides": {"scoring.oon.factor": 99}})
        assert odd.status_code == 400  # out of bounds (0..10)
        ok = client.post("/v1/scored-posts", json={**body, "scoring_overrides": {"scoring.oon.factor": 0.0}})
        assert ok.status_code == 200
        oon_scores = [p["score"] for p in ok.json()["scored_posts"] if not p["in_network"]]
        assert all(s == 0.0 for s in oon_scores)


def test_explorer_page_and_user_search_are_served(deployment: Deployment) -> None:
    with httpx.Client(base_url=deployment.http, timeout=30) as client:
        page = client.get("/")
        assert page.status_code == 200 and "<html" in page.text.lower()
        viewer = active_viewer(deployment)
        found = client.get("/v1/users/search", params={"q": str(viewer)}).json()
        assert found["available"] and found["users"][0]["id"] == str(viewer)
        name = found["users"][0]["screen_name"]
        by_name = client.get("/v1/users/search", params={"q": name[:4]}).json()["users"]
        assert any(u["screen_name"] == name for u in by_name)
