"""Serves the feed explorer: `/` (the page) and `/static/*` (its script and styles), all from this package.

No build step and no CDN: plain HTML, CSS and JavaScript shipped in `static/`. The page talks to the
same server's `POST /v1/scored-posts`, `GET /v1/config/scoring` and `GET /v1/users/search`. Its
Content-Security-Policy allows only same-origin resources, so a stray external asset cannot load.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from starlette.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static"

# The admin token arrives in the page's query string; no-referrer keeps it out of Referer headers.
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
}


def mount_explorer(app: FastAPI) -> None:
    """Add the page at `/` and its assets at `/static/` to `app` (the Home Mixer HTTP app)."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="explorer-static")

    @app.get("/", include_in_schema=False)
    async def explorer_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html", headers=_PAGE_HEADERS)
