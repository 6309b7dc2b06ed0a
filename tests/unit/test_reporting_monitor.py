"""The monitor's pages and files are served as they should be: each page with its security
headers, only its own files and the front-end packages' copied files (never node_modules), and
every API path and KPI its scripts name exist. The pages themselves run in tests/browser."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from html.parser import HTMLParser

import httpx
import pytest
from fastapi import FastAPI

from services.reporting.app import create_app
from services.reporting.dashboard.routes import MONITOR, MONITOR_ASSETS, PAGES
from services.reporting.kpis import AVAILABLE
from services.reporting.settings import Settings
from shared.platform.web_assets import VENDOR

WEB = VENDOR.parent
SCRIPTS = {name: (MONITOR / name).read_text(encoding="utf-8") for name in MONITOR_ASSETS}
API_PATH = re.compile(r"""["'`](/api/v1/[^"'`?\s]*)["'`]""")


@pytest.fixture
def app() -> Iterator[FastAPI]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield create_app(Settings())
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as c:
        yield c


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [v for k, v in attrs if k in ("src", "href") and v]


@pytest.mark.parametrize("page", sorted(PAGES))
async def test_each_page_loads_only_files_of_this_origin_that_exist(
    client: httpx.AsyncClient, page: str
):
    response = await client.get(f"/monitor/{page}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert '<html lang="nl"' in response.text
    assert 'href="#inhoud"' in response.text and 'id="inhoud"' in response.text  # skip link
    # the shared footer (monitor/voet.html) stands in its place, once
    assert response.text.count('<footer class="utrecht-page-footer voet">') == 1
    assert "<!-- voet.html -->" not in response.text and 'id="sleutel"' in response.text
    parser = _Refs()
    parser.feed(response.text)
    assets = [r for r in parser.refs if not r.startswith(("#", "data:"))]  # data: empty icon
    assert "/monitor/vendor/utrecht-component-library.css" in assets
    for ref in assets:
        assert ref.startswith("/") and not ref.startswith("//"), ref  # nothing from a CDN
        assert (await client.get(ref)).status_code in (200, 307), ref


async def test_only_the_copied_package_files_are_served(client: httpx.AsyncClient):
    chart = await client.get("/monitor/vendor/chart.umd.min.js")
    assert chart.status_code == 200 and "Chart" in chart.text
    for path in (
        "/monitor/vendor/../package.json",
        "/monitor/vendor/%2e%2e/package.json",
        "/monitor/vendor/node_modules/axe-core/axe.min.js",
        "/monitor/node_modules/chart.js/package.json",
        "/monitor/routes.py",
        "/monitor/../routes.py",
    ):
        assert (await client.get(path)).status_code == 404, path


def test_the_served_package_files_come_from_the_lock_file():
    lock = json.loads((WEB / "package-lock.json").read_text(encoding="utf-8"))
    package = json.loads((WEB / "package.json").read_text(encoding="utf-8"))
    for name, version in {**package["dependencies"], **package["devDependencies"]}.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version  # exact pins
    served = {p.name for p in VENDOR.iterdir()}
    assert {"utrecht-component-library.css", "voorbeeld-theme.css", "chart.umd.min.js"} <= served
    assert "axe.min.js" not in served  # a test tool, not part of the pages


def test_every_api_path_the_scripts_call_is_in_the_openapi_document(app: FastAPI):
    called = set().union(*(API_PATH.findall(s) for s in SCRIPTS.values()))
    assert {"/api/v1/kpi/{kpi}", "/api/v1/wijken"} <= called
    paths = app.openapi()["paths"]
    assert called <= set(paths), called - set(paths)


def test_every_kpi_the_pages_show_is_published():
    named = set(re.findall(r'kpi: "([a-z-]+)"', SCRIPTS["monitor.js"]))
    assert named and named <= set(AVAILABLE), named - set(AVAILABLE)


def test_the_monitor_is_not_in_the_openapi_document(app: FastAPI):
    assert not any(p.startswith("/monitor") for p in app.openapi()["paths"])
