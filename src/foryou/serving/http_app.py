"""HTTP edge of the Home Mixer: `POST /v1/scored-posts`, the admin explain API, metrics and health.

Loopback by default (the caller chooses the bind address). OpenAPI schema at `/openapi.json`; the
interactive docs pages are off because they load assets from a CDN.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from pydantic import BaseModel, Field

from foryou.core.errors import InvalidInputError, ResourceExhaustedError, UnavailableError
from foryou.home_mixer.convert import request_from_json, response_to_json
from foryou.home_mixer.explain import explain_post
from foryou.home_mixer.service import ForYouService
from foryou.params import Params
from foryou.pipeline import TraceBuffer

IdLike = int | str


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


def build_http_app(
    service: ForYouService,
    *,
    params: Params,
    traces: TraceBuffer,
    registry: CollectorRegistry,
    admin_token: str | None,
    ready: Callable[[], bool] = lambda: True,
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

    @app.post("/v1/scored-posts")
    async def scored_posts(body: ScoredPostsBody) -> dict[str, Any]:
        """The viewer's For You feed: up to `mixer.result_size` ranked posts."""
        response = await service.get_scored_posts(request_from_json(body.model_dump()))
        return response_to_json(response)

    def _check_admin(token: str | None, authorization: str | None) -> None:
        if not admin_token:
            raise HTTPException(403, "explain API disabled: no admin token configured")
        given = token or (authorization[7:] if authorization and authorization.startswith("Bearer ") else "")
        if not hmac.compare_digest(given.encode(), admin_token.encode()):
            raise HTTPException(401, "admin token required")

    @app.get("/v1/explain/{request_id}")
    async def explain(
        request_id: str,
        x_admin_token: str | None = Header(default=None),
        authorization: str | None = Header(default=None),
    ) -> dict[str, Any]:
        """The request's trace: every candidate's sources, removing filter, scores and fate."""
        _check_admin(x_admin_token, authorization)
        trace = traces.get(request_id)
        if trace is None:
            raise HTTPException(404, f"no trace for request {request_id} (expired or unknown)")
        return trace.to_dict()

    @app.get("/v1/explain/{request_id}/{post_id}")
    async def explain_one(
        request_id: str,
        post_id: int,
        x_admin_token: str | None = Header(default=None),
        authorization: str | None = Header(default=None),
    ) -> dict[str, Any]:
        """One post's fate and score breakdown in a past request."""
        _check_admin(x_admin_token, authorization)
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

    return app
