"""HTTP edge of the Home Mixer: `POST /v1/scored-posts`, the admin explain API, metrics and health.

Loopback by default (the caller chooses the bind address). OpenAPI schema at `/openapi.json`; the
interactive docs pages are off because they load assets from a CDN. With `explorer=True` the feed
explorer page (`foryou.web`) is served at `/`, helped by `GET /v1/config/scoring` and
`GET /v1/users/search`.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from pydantic import BaseModel, Field

from foryou.core.errors import InvalidInputError, ResourceExhaustedError, UnavailableError
from foryou.home_mixer.convert import request_from_json, response_to_json
from foryou.home_mixer.explain import explain_post
from foryou.home_mixer.service import ForYouService
from foryou.params import Params, all_specs
from foryou.pipeline import TraceBuffer
from foryou.web import mount_explorer

IdLike = int | str
UserSearch = Callable[[str, int], list[tuple[int, str]]]  # (query, limit) → [(user id, screen name)]


class BloomEntryBody(BaseModel):
    words: list[IdLike] = Field(default_factory=list, description="64-bit words, LSB first")
    num_hashes: int = 0
    size_cap: int = 0
    false_positive_rate: float = 0.0


class ScoredPostsBody(BaseModel):
    viewer_id: IdLike = Field(description="the viewer; 0 is rejected")
    client_app_id: IdLike = 0
    country_code: str = ""
    language_code: str = ""
    seen_ids: list[IdLike] = Field(default_factory=list)
    served_ids: list[IdLike] = Field(default_factory=list)
    in_network_only: bool = False
    is_bottom_request: bool = False
    bloom_filter_entries: list[BloomEntryBody] = Field(default_factory=list)
    include_trace: bool = False
    scoring_overrides: dict[str, float] = Field(default_factory=dict, description="scoring.* parameters")
    dry_run: bool = Field(default=False, description="run without side effects (nothing recorded as served)")
    include_score_terms: bool = Field(default=False, description="per post: each head's weight × value and sum")


def _presented_token(
    x_admin_token: str | None = Header(default=None), authorization: str | None = Header(default=None)
) -> str:
    """The admin token a request carries: `X-Admin-Token`, or `Authorization: Bearer …`."""
    if x_admin_token:
        return x_admin_token
    return authorization[7:] if authorization and authorization.startswith("Bearer ") else ""


def build_http_app(
    service: ForYouService,
    *,
    params: Params,
    traces: TraceBuffer,
    registry: CollectorRegistry,
    admin_token: str | None,
    ready: Callable[[], bool] = lambda: True,
    search_users: UserSearch | None = None,
    explorer: bool = False,
) -> FastAPI:
    app = FastAPI(title="foryou Home Mixer", version="1", docs_url=None, redoc_url=None)

    @app.exception_handler(InvalidInputError)
    async def _invalid(_: Request, exc: InvalidInputError) -> JSONResponse:
        return JSONResponse({"code": "INVALID_ARGUMENT", "error": str(exc)}, status_code=400)

    @app.exception_handler(ResourceExhaustedError)
    async def _exhausted(_: Request, exc: ResourceExhaustedError) -> JSONResponse:
        return JSONResponse({"code": "RESOURCE_EXHAUSTED", "error": str(exc)}, status_code=429)

    @app.exception_handler(UnavailableError)
    async def _unavailable(_: Request, exc: UnavailableError) -> JSONResponse:
        return JSONResponse({"code": "UNAVAILABLE", "error": str(exc)}, status_code=503)

    def _check_admin(presented: str) -> None:
        if not admin_token:
            raise HTTPException(403, "admin features disabled: no admin token configured")
        if not hmac.compare_digest(presented.encode(), admin_token.encode()):
            raise HTTPException(401, "admin token required")

    @app.post("/v1/scored-posts")
    async def scored_posts(
        body: ScoredPostsBody,
        presented: str = Depends(_presented_token),
    ) -> dict[str, Any]:
        """The viewer's For You feed: up to `mixer.result_size` ranked posts.

        `include_trace` and `dry_run` are admin features (SPEC §3.1): they need the admin token, or
        `debug.enabled`."""
        if (body.include_trace or body.dry_run) and not params.get_bool("debug.enabled"):
            _check_admin(presented)
        response = await service.get_scored_posts(request_from_json(body.model_dump()))
        terms = _terms_params(params, body.scoring_overrides) if body.include_score_terms else None
        return response_to_json(response, terms_params=terms)

    @app.get("/v1/config/scoring")
    async def scoring_config() -> dict[str, Any]:
        """The `scoring.*` parameters this server runs with: value, default, bounds and meaning."""
        return {"config_hash": params.config_hash, "parameters": _scoring_parameters(params)}

    @app.get("/v1/users/search")
    def user_search(
        q: str = Query(default="", max_length=100), limit: int = Query(default=20, ge=1, le=100)
    ) -> dict[str, Any]:
        """Users whose id or screen name matches `q` (sync: the lookup runs on the worker pool)."""
        found = search_users(q.strip(), limit) if search_users is not None and q.strip() else []
        return {
            "available": search_users is not None,
            "users": [{"id": str(uid), "screen_name": name} for uid, name in found[:limit]],
        }

    @app.get("/v1/explain/{request_id}")
    async def explain(
        request_id: str,
        presented: str = Depends(_presented_token),
    ) -> dict[str, Any]:
        """The request's trace: every candidate's sources, removing filter, scores and fate."""
        _check_admin(presented)
        trace = traces.get(request_id)
        if trace is None:
            raise HTTPException(404, f"no trace for request {request_id} (expired or unknown)")
        return trace.to_dict()

    @app.get("/v1/explain/{request_id}/{post_id}")
    async def explain_one(
        request_id: str,
        post_id: int,
        presented: str = Depends(_presented_token),
    ) -> dict[str, Any]:
        """One post's fate and score breakdown in a past request."""
        _check_admin(presented)
        trace = traces.get(request_id)
        if trace is None:
            raise HTTPException(404, f"no trace for request {request_id} (expired or unknown)")
        return explain_post(trace, post_id, params)

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        ok = ready()
        return JSONResponse({"ready": ok}, status_code=200 if ok else 503)

    if explorer:
        mount_explorer(app)
    return app


def _terms_params(base: Params, overrides: Mapping[str, float]) -> Params:
    """What the score terms of a request read: the base weights with the request's weight overrides.

    The service has already validated the overrides; only weights (floats) and the vqv duration
    threshold (an integer) enter the terms.
    """
    changed: dict[str, float | int] = {k: v for k, v in overrides.items() if k.startswith("scoring.weight.")}
    if "scoring.min_video_duration_ms" in overrides:
        changed["scoring.min_video_duration_ms"] = int(overrides["scoring.min_video_duration_ms"])
    return base.with_overrides(changed) if changed else base


def _scoring_parameters(params: Params) -> list[dict[str, Any]]:
    return [
        {
            "name": spec.name,
            "kind": spec.kind,
            "value": params.get(spec.name),
            "default": spec.default,
            "min": spec.min,
            "max": spec.max,
            "description": spec.description,
        }
        for spec in all_specs()
        if spec.name.startswith("scoring.")
    ]
