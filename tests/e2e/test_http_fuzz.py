"""Fuzzing the HTTP API with hypothesis: whatever a client sends, the answer is never a 5xx."""

from __future__ import annotations

from urllib.parse import quote

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import ADMIN_TOKEN, Deployment

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
ids = st.one_of(
    st.integers(-5, 2**64 + 5), st.text(max_size=12), st.none(), st.floats(allow_nan=False, allow_infinity=False)
)
bloom = st.fixed_dictionaries(
    {},
    optional={
        "words": st.lists(ids, max_size=4),
        "num_hashes": st.one_of(st.integers(-3, 40), st.text(max_size=3)),
        "size_cap": st.integers(-2, 10),
        "false_positive_rate": st.floats(allow_nan=False, allow_infinity=False),
    },
)
bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"viewer_id": ids},
        optional={
            "seen_ids": st.one_of(st.lists(ids, max_size=5), json_values),
            "served_ids": st.lists(ids, max_size=5),
            "in_network_only": st.one_of(st.booleans(), json_scalars),
            "is_bottom_request": st.booleans(),
            "bloom_filter_entries": st.one_of(st.lists(bloom, max_size=3), json_values),
            "include_trace": st.booleans(),
            "scoring_overrides": st.dictionaries(
                st.sampled_from(
                    ["scoring.weight.reply", "scoring.oon.factor", "mixer.top_k", "nope", "scoring.phoenix.enabled"]
                ),
                st.one_of(
                    st.floats(allow_nan=False, allow_infinity=False), st.integers(-(10**6), 10**6), st.text(max_size=3)
                ),
                max_size=3,
            ),
        },
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(body=bodies)
def test_scored_posts_never_answers_5xx(deployment: Deployment, body: object) -> None:
    with httpx.Client(base_url=deployment.http, timeout=30) as client:
        response = client.post("/v1/scored-posts", json=body)
    assert response.status_code < 500, (body, response.text)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    request_id=st.text(min_size=1, max_size=40).filter(lambda s: "/" not in s and s not in (".", "..")),
    post=st.text(max_size=25),
)
def test_explain_never_answers_5xx(deployment: Deployment, request_id: str, post: str) -> None:
    headers = {"X-Admin-Token": ADMIN_TOKEN}
    with httpx.Client(base_url=deployment.http, timeout=30) as client:
        rid, pid = quote(request_id, safe=""), quote(post, safe="") or "x"
        for path in (f"/v1/explain/{rid}", f"/v1/explain/{rid}/{pid}"):
            assert client.get(path, headers=headers).status_code < 500


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=64))
def test_malformed_bodies_are_client_errors(deployment: Deployment, raw: bytes) -> None:
    with httpx.Client(base_url=deployment.http, timeout=30) as client:
        response = client.post("/v1/scored-posts", content=raw, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500
