"""The dashboard's files are served as they should be, and every API path its script calls is
a path of the reporting API (no headless browser: the page is static, the API is tested)."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from html.parser import HTMLParser

import httpx
import pytest
from fastapi import FastAPI

from services.reporting.app import create_app
from services.reporting.dashboard.routes import FOLDER
from services.reporting.kpis import AVAILABLE
from services.reporting.settings import Settings
from shared.core.kpi.open_over_termijn import KPI as OPEN_OVER_TERMIJN

SCRIPT = (FOLDER / "app.js").read_text(encoding="utf-8")
API_PATH = re.compile(r"""["'`](/api/v1/[^"'`?\s]*)["'`]""")


@pytest.fixture
def app() -> Iterator[FastAPI]:
    """create_app configures the root logger; put it back for the tests after this one."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield create_app(Settings())
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    # The dashboard's files need no Redis, so the app's lifespan is not started.
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as c:
        yield c


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [v for k, v in attrs if k in ("src", "href") and v]


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/dashboard", "text/html; charset=utf-8"),
        ("/dashboard/index.html", "text/html; charset=utf-8"),
        ("/dashboard/app.js", "text/javascript; charset=utf-8"),
        ("/dashboard/style.css", "text/css; charset=utf-8"),
    ],
)
async def test_page_and_assets_are_served_with_their_content_type(
    client: httpx.AsyncClient, path: str, content_type: str
):
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in response.headers["content-security-policy"]


async def test_root_redirects_to_the_monitor(client: httpx.AsyncClient):
    response = await client.get("/")
    assert response.status_code == 307
    assert response.headers["location"] == "/monitor/overzicht"


async def test_only_the_dashboard_files_are_served(client: httpx.AsyncClient):
    for path in ("/dashboard/../app.py", "/dashboard/routes.py", "/dashboard/%2e%2e%2fapp.py"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert "create_app" not in response.text


async def test_the_page_uses_only_its_own_assets(client: httpx.AsyncClient):
    page = (await client.get("/dashboard")).text
    parser = _Assets()
    parser.feed(page)
    assert "/dashboard/app.js" in parser.refs and "/dashboard/style.css" in parser.refs
    for ref in (r for r in parser.refs if not r.startswith("#")):
        assert ref.startswith("/") and not ref.startswith("//"), ref  # nothing from elsewhere
        assert (await client.get(ref)).status_code in (200, 307), ref
    for text in (page, SCRIPT, (FOLDER / "style.css").read_text(encoding="utf-8")):
        assert "http://" not in text and "https://" not in text and "@import" not in text
    assert '<html lang="nl">' in page


def test_every_api_path_the_script_calls_is_in_the_openapi_document(app: FastAPI):
    called = set(API_PATH.findall(SCRIPT))
    assert {"/api/v1/kpi/{kpi}", "/api/v1/wijken", "/api/v1/alerts"} <= called
    paths = app.openapi()["paths"]
    assert called <= set(paths), called - set(paths)
    assert all("get" in paths[p] for p in called)


def test_every_kpi_the_script_names_is_published():
    block = SCRIPT.split("const KPIS = {", 1)[1].split("};", 1)[0]
    named = set(re.findall(r'^\s*"([a-z-]+)":', block, flags=re.MULTILINE))
    assert named == {*AVAILABLE, OPEN_OVER_TERMIJN}


def test_the_dashboard_is_not_in_the_openapi_document_but_the_wijken_route_is(app: FastAPI):
    document = app.openapi()
    assert not any(p == "/" or p.startswith("/dashboard") for p in document["paths"])
    assert "/api/v1/wijken" in document["paths"]
    assert "/dashboard" in document["info"]["description"]
