"""The dashboard and the monitor pages: static HTML, JS and CSS (nothing fetched from
elsewhere) that read the reporting API from the browser with the caller's own API key.

- ``/dashboard``: the first dashboard (tiles and tables), three files beside this module.
- ``/monitor/<page>``: the monitor (Overzicht, Trends, Wijken naast elkaar, the printable STH
  half-year report, and the team lead's Termijnen in uw wijken with one zaak's termijnen),
  on the NL Design
  System; its own files are in ``monitor/``, and the front-end packages it loads (NLDS CSS and
  design tokens, Chart.js) come from npm (shared/web/package-lock.json) and are served
  from ``/monitor/vendor/`` by a StaticFiles mount of only the files
  ``shared/web/copy-vendor.mjs`` copied out of node_modules, the house style the signals
  pages share from ``/monitor/huis.css`` (shared/platform/web_assets.py, docs/monitor.md).

The pages are not part of the API, so they are left out of the OpenAPI document; the API
paths they call are (tests/unit/test_reporting_dashboard.py checks that every one exists).
"""

from __future__ import annotations

import functools
from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from shared.platform.web_assets import install_web_assets

FOLDER = Path(__file__).parent
MONITOR = FOLDER / "monitor"
ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}
# The monitor's pages (path name -> file) and its own scripts and stylesheet.
PAGES = {
    "overzicht": "overzicht.html",
    "trends": "trends.html",
    "wijken": "wijken.html",
    "rapport": "rapport.html",
    "teamleider": "teamleider.html",
    "termijnen": "termijnen.html",
}
MONITOR_ASSETS = {
    "monitor.css": "text/css; charset=utf-8",
    "monitor.js": "text/javascript; charset=utf-8",
    "overzicht.js": "text/javascript; charset=utf-8",
    "trends.js": "text/javascript; charset=utf-8",
    "wijken.js": "text/javascript; charset=utf-8",
    "rapport.js": "text/javascript; charset=utf-8",
    "teamleider.js": "text/javascript; charset=utf-8",
    "teamleider-toegang.js": "text/javascript; charset=utf-8",
    "termijnen.js": "text/javascript; charset=utf-8",
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


def install(app: FastAPI) -> None:
    """The routes, the house style and the front-end packages' files under ``/monitor/``."""
    install_web_assets(app, "/monitor", HEADERS)  # before /monitor/{name} catches huis.css
    app.include_router(router)


@router.get("/")
async def root() -> RedirectResponse:
    return RedirectResponse("/monitor/overzicht", status_code=307)


@router.get("/dashboard")
async def dashboard() -> FileResponse:
    return _asset("index.html")


@router.get("/dashboard/{name}")
async def dashboard_asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise HTTPException(404, "no such dashboard file")
    return _asset(name)


@router.get("/monitor")
async def monitor() -> RedirectResponse:
    return RedirectResponse("/monitor/overzicht", status_code=307)


@router.get("/monitor/{name}", response_model=None)
async def monitor_file(name: str) -> FileResponse | HTMLResponse:
    if name in PAGES:
        return HTMLResponse(page(PAGES[name]), headers=HEADERS)
    if name in MONITOR_ASSETS:
        return FileResponse(MONITOR / name, media_type=MONITOR_ASSETS[name], headers=HEADERS)
    raise HTTPException(404, "no such monitor page or file")


HEADER_MARK = "<!-- kop.html -->"
FOOTER_MARK = "<!-- voet.html -->"


@functools.cache
def page(file: str) -> str:
    """A monitor page with the header and navigation (monitor/kop.html) and the footer
    (monitor/voet.html) all pages share in their places; the page's own link in the
    navigation is marked as the current one."""
    own = f'href="/monitor/{file.removesuffix(".html")}"'
    header = (MONITOR / "kop.html").read_text(encoding="utf-8").rstrip("\n")
    header = header.replace(own, f'{own} aria-current="page"')
    footer = (MONITOR / "voet.html").read_text(encoding="utf-8").rstrip("\n")
    html = (MONITOR / file).read_text(encoding="utf-8")
    return html.replace(f"  {HEADER_MARK}", header).replace(FOOTER_MARK, footer)


def _asset(name: str) -> FileResponse:
    return FileResponse(FOLDER / name, media_type=ASSETS[name], headers=HEADERS)
