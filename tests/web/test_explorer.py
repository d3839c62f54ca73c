"""The explorer's HTTP surface: the page and its assets, scoring config, user search, score terms."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from home_mixer.memory import Served
from prometheus_client import CollectorRegistry

from foryou.home_mixer.candidate import HEAD_NAMES
from foryou.params import Params
from foryou.pipeline import TraceBuffer
from foryou.serving.http_app import build_http_app
from foryou.web import STATIC_DIR

from .conftest import ADMIN_TOKEN, Client
from .feed_world import BLOCKED, IN_NETWORK, NUMBER, OUT_OF_NETWORK, VIEWER, build_service, predictions, sid


def _feed(client: Client, **body: Any) -> dict[str, Any]:
    headers = {"X-Admin-Token": ADMIN_TOKEN}
    response = client.post("/v1/scored-posts", json={"viewer_id": str(VIEWER), **body}, headers=headers)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def test_page_and_assets_are_served_locally(explorer_app: FastAPI) -> None:
    client = Client(explorer_app)
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    for asset in ("/static/explorer.js", "/static/explorer.css"):
        assert asset in page.text
        assert client.get(asset).status_code == 200
    # No asset may come from another origin.
    for path in STATIC_DIR.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, path.name


def test_explorer_is_off_unless_asked() -> None:
    traces = TraceBuffer(capacity=10, ttl_s=60)
    service = build_service(traces)
    app = build_http_app(service, params=Params(), traces=traces, registry=CollectorRegistry(), admin_token="t")
    client = Client(app)
    assert client.get("/").status_code == 404
    assert client.get("/static/explorer.js").status_code == 404
    assert client.get("/v1/users/search", params={"q": "alice"}).json() == {"available": False, "users": []}
    service.close()


def test_scoring_config_lists_every_scoring_parameter(explorer_app: FastAPI) -> None:
    config = Client(explorer_app).get("/v1/config/scoring").json()
    by_name = {p["name"]: p for p in config["parameters"]}
    assert all(name.startswith("scoring.") for name in by_name)
    assert {f"scoring.weight.{h}" for h in HEAD_NAMES} <= by_name.keys()
    reply = by_name["scoring.weight.reply"]
    assert (reply["value"], reply["default"], reply["min"], reply["max"]) == (5.0, 5.0, -10000.0, 10000.0)
    assert by_name["scoring.oon.factor"]["value"] == 0.75
    assert by_name["scoring.author_diversity.enabled"]["kind"] == "bool"
    assert config["config_hash"] == Params().config_hash


def test_user_search_by_name_and_id(explorer_app: FastAPI) -> None:
    client = Client(explorer_app)
    assert client.get("/v1/users/search", params={"q": "ALI"}).json()["users"] == [{"id": "1", "screen_name": "alice"}]
    assert client.get("/v1/users/search", params={"q": "12"}).json()["users"] == [{"id": "12", "screen_name": "dave"}]
    assert client.get("/v1/users/search", params={"q": "  "}).json() == {"available": True, "users": []}
    assert client.get("/v1/users/search", params={"q": "a", "limit": 0}).status_code == 422


def test_feed_carries_score_terms_that_sum_to_the_weighted_score(explorer_app: FastAPI) -> None:
    data = _feed(Client(explorer_app), dry_run=True, include_score_terms=True)
    posts = data["scored_posts"]
    assert len(posts) == len(IN_NETWORK) + len(OUT_OF_NETWORK) - 1  # the blocked author's post is gone
    for post in posts:
        terms = post["score_terms"]
        assert set(terms["terms"]) == {*HEAD_NAMES, "dwell_time"}
        assert terms["terms"]["reply"] == pytest.approx(5.0 * predictions(NUMBER[int(post["tweet_id"])])["reply"])
        assert terms["combined"] == pytest.approx(sum(terms["terms"].values()))
        assert post["weighted_score"] == pytest.approx(terms["combined"] + 0.001)
        expected = post["weighted_score"] * post["diversity_multiplier"] * post["oon_factor"]
        assert post["score"] == pytest.approx(expected)
        assert post["oon_factor"] == (1.0 if post["in_network"] else 0.75)
    assert "score_terms" not in _feed(Client(explorer_app))["scored_posts"][0]


def test_score_terms_follow_the_requests_weight_overrides(explorer_app: FastAPI) -> None:
    client = Client(explorer_app)
    base = _feed(client, include_score_terms=True, dry_run=True)
    heavy = _feed(client, include_score_terms=True, dry_run=True, scoring_overrides={"scoring.weight.reply": 50.0})
    for post in heavy["scored_posts"]:
        reply = predictions(NUMBER[int(post["tweet_id"])])["reply"]
        assert post["score_terms"]["terms"]["reply"] == pytest.approx(50.0 * reply)
    order = [p["tweet_id"] for p in base["scored_posts"]]
    assert [p["tweet_id"] for p in heavy["scored_posts"]] != order


def test_trace_shows_the_filtered_candidates(explorer_app: FastAPI) -> None:
    trace = _feed(Client(explorer_app), include_trace=True, dry_run=True)["trace"]
    removed = {c["id"]: c["removed_by"] for c in trace["candidates"] if c["removed_by"]}
    blocked_post = next(str(sid(p)) for p, a, _, _ in OUT_OF_NETWORK if a == BLOCKED)
    assert removed[blocked_post]["filter"] == "AuthorSocialgraphFilter"
    assert removed[blocked_post]["reason"] == "blocked_author"
    # A duplicate shares its survivor's entry: both sources are listed, the survivor's fate is shown.
    duplicate = next(c for c in trace["candidates"] if c["id"] == str(sid(105)))
    assert [s["source"] for s in duplicate["sources"]] == ["PhoenixSource", "ThunderSource"]
    assert duplicate["removed_by"] is None and duplicate["selection"]["final_position"] is not None


def test_score_terms_zero_vqv_when_the_video_is_too_short_for_the_request(explorer_app: FastAPI) -> None:
    overrides = {"scoring.min_video_duration_ms": 20_000}
    posts = _feed(Client(explorer_app), include_score_terms=True, dry_run=True, scoring_overrides=overrides)
    vqv = {p["tweet_id"]: p["score_terms"]["terms"]["vqv"] for p in posts["scored_posts"]}
    assert vqv[str(sid(103))] == 0.0  # a 15 s video
    assert vqv[str(sid(108))] == pytest.approx(0.05 * 0.3)  # a 30 s video


def test_dry_run_leaves_the_served_history_alone() -> None:
    """The page asks for dry runs: looking at a feed must not hide its posts from the next look."""
    traces, served = TraceBuffer(capacity=10, ttl_s=60), Served()
    service = build_service(traces, served)
    app = build_http_app(service, params=Params(), traces=traces, registry=CollectorRegistry(), admin_token="t")

    async def feed_sizes(dry_run: bool) -> list[int]:
        sizes = []
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://explorer.test") as client:
            for _ in range(2):
                body = {"viewer_id": str(VIEWER), "dry_run": dry_run}
                answer = await client.post("/v1/scored-posts", json=body, headers={"X-Admin-Token": "t"})
                sizes.append(len(answer.json()["scored_posts"]))
                await service.drain()
        return sizes

    full = len(IN_NETWORK) + len(OUT_OF_NETWORK) - 1
    assert asyncio.run(feed_sizes(dry_run=True)) == [full, full]
    assert served.entries == []
    assert asyncio.run(feed_sizes(dry_run=False)) == [full, 0]
    assert [len(items) for *_, items in served.entries] == [full, 0]
    service.close()


def test_trace_and_dry_run_need_the_admin_token(explorer_app: FastAPI) -> None:
    client = Client(explorer_app)
    for flag in ("include_trace", "dry_run"):
        response = client.post("/v1/scored-posts", json={"viewer_id": str(VIEWER), flag: True})
        assert response.status_code == 401
    assert client.post("/v1/scored-posts", json={"viewer_id": str(VIEWER)}).status_code == 200
