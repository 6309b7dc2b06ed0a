"""The dashboard: one static page (HTML, JS, CSS; no build step, nothing fetched from
elsewhere) that reads the reporting API from the browser with the caller's own API key.

The page is not part of the API, so it is left out of the OpenAPI document; the API paths
it calls are (tests/unit/test_reporting_dashboard.py checks that every one exists).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

FOLDER = Path(__file__).parent
ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}
# Everything from this origin only: no CDN, no inline script, no framing by other sites.
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


@router.get("/")
async def root() -> RedirectResponse:
    return RedirectResponse("/dashboard", status_code=307)


@router.get("/dashboard")
async def dashboard() -> FileResponse:
    return _asset("index.html")


@router.get("/dashboard/{name}")
async def dashboard_asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise HTTPException(404, "no such dashboard file")
    return _asset(name)


def _asset(name: str) -> FileResponse:
    return FileResponse(FOLDER / name, media_type=ASSETS[name], headers=HEADERS)
