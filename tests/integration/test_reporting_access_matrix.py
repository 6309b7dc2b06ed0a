"""The 401/403 matrix of the reporting service, generated from its route table: every route
(every method, every monitor page) asked by every role, over real HTTP with real bearer tokens
of the identity provider's demo users (docs/signin.md#roles).

A route the table below does not name fails the test, so a new route cannot be added without
saying who may read it. ``OPEN`` routes do not look at credentials (pages, sign-in, health,
documentation): no caller gets 401 or 403 there, not even one with a bad token; the page's
own script asks the API, which decides. Every API route refuses a bad token with 401.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import uvicorn
from fixtures.oidc_provider import ensure_provider
from fixtures.role_zaken import TODAY, demo_tokens, reporting_settings, role_zaken
from fixtures.service_procs import free_port

from services.reporting.app import create_app
from services.reporting.dashboard.routes import PAGES
from shared.contract.issued_reports import IssuedReport
from shared.contract.topics import KEPT_FOREVER, Topic, TopicSpec, topic_name
from shared.platform.kafka_admin import admin_client, delete_topics_with_prefix, ensure_specs
from shared.platform.kafka_io import make_producer
from shared.platform.settings import KafkaSettings

pytestmark = pytest.mark.integration

# The callers: no credentials, each demo user's token (login -> role), a token that is not one.
CALLERS = {
    "publiek": None,
    "beleid": "beleid",
    "analist": "analist",
    "teamleider": "teamleider",
    "vroegsignalering": "vroegsignalering",
    "privacy-officer": "privacy",
    "bad-token": "not-a-token",
}
OK, REFUSED, UNAUTHENTICATED = "ok", 403, 401


@dataclass(frozen=True)
class Expect:
    """What each caller gets on one route: ``OK`` (2xx/3xx), 403 or 401; ``open``: the route
    ignores credentials (anything but 401 and 403, for every caller)."""

    paths: tuple[str, ...]
    refused: frozenset[str] = field(default_factory=frozenset)
    open: bool = False

    def wanted(self, caller: str) -> str | int:
        if caller == "bad-token":
            return UNAUTHENTICATED
        return REFUSED if caller in self.refused else OK


def api(*paths: str, refused: Iterable[str] = ()) -> Expect:
    return Expect(paths, frozenset(refused))


def page(*paths: str) -> Expect:
    return Expect(paths, open=True)


# Single zaken: analist, and the teamleider for a zaak of its wijken (HW-1 is Helmond-West).
COUNTS_ONLY = ("publiek", "beleid", "vroegsignalering", "privacy-officer")
NOT_ISSUERS = ("publiek", "teamleider", "vroegsignalering", "privacy-officer")
ISSUED = "2025-H2-matrix"  # an issued report the fixture puts on the topic
EXPECTED: dict[tuple[str, str], Expect] = {
    ("GET", "/api/v1/kpi/{kpi}"): api("/api/v1/kpi/doorlooptijd?periode=2026-03"),
    ("GET", "/api/v1/kpi/{kpi}/reeks"): api("/api/v1/kpi/doorlooptijd/reeks?tot=2026-03"),
    ("GET", "/api/v1/rapport/sth/{halfjaar}"): api("/api/v1/rapport/sth/2026-H1"),
    # Issuing a report: beleid and analist; the issued reports are public documents.
    ("POST", "/api/v1/rapport/sth/{halfjaar}/uitgaven"): api(
        "/api/v1/rapport/sth/2025-H2/uitgaven", refused=NOT_ISSUERS
    ),
    ("GET", "/api/v1/rapport/sth/{halfjaar}/uitgaven"): api("/api/v1/rapport/sth/2025-H2/uitgaven"),
    ("GET", "/api/v1/rapport/sth/{halfjaar}/uitgaven/{uitgave}"): api(
        f"/api/v1/rapport/sth/2025-H2/uitgaven/{ISSUED}"
    ),
    ("GET", "/api/v1/open-over-termijn"): api("/api/v1/open-over-termijn"),
    ("GET", "/api/v1/wachtend"): api("/api/v1/wachtend"),
    ("GET", "/api/v1/wijken"): api("/api/v1/wijken"),
    ("GET", "/api/v1/zaken/{zaak_id}/termijnen"): api(
        "/api/v1/zaken/HW-1/termijnen", refused=COUNTS_ONLY
    ),
    ("GET", "/api/v1/alerts"): api("/api/v1/alerts", refused=COUNTS_ONLY),
    ("GET", "/api/v1/bijna-over-termijn"): api("/api/v1/bijna-over-termijn", refused=COUNTS_ONLY),
    ("GET", "/api/v1/live"): api("/api/v1/live"),
    ("GET", "/api/v1/openapi.json"): page("/api/v1/openapi.json"),
    ("GET", "/openapi.json"): page("/openapi.json"),
    ("GET", "/docs"): page("/docs"),
    ("GET", "/docs/oauth2-redirect"): page("/docs/oauth2-redirect"),
    ("GET", "/redoc"): page("/redoc"),
    ("GET", "/health"): page("/health"),
    ("GET", "/ready"): page("/ready"),
    ("GET", "/metrics"): page("/metrics"),
    ("GET", "/"): page("/"),
    ("GET", "/dashboard"): page("/dashboard"),
    ("GET", "/dashboard/{name}"): page("/dashboard/app.js"),
    ("GET", "/monitor"): page("/monitor"),
    # every page of the monitor, and one of its scripts
    ("GET", "/monitor/{name}"): page(*(f"/monitor/{p}" for p in PAGES), "/monitor/monitor.js"),
    ("GET", "/monitor/vendor"): page("/monitor/vendor/voorbeeld-theme.css"),
    ("GET", "/monitor/huis.css"): page("/monitor/huis.css"),
    ("GET", "/auth/aanmelden"): page("/auth/aanmelden?terug=/monitor/overzicht"),
    ("GET", "/auth/callback"): page("/auth/callback"),
    ("POST", "/auth/afmelden"): page("/auth/afmelden"),
    ("GET", "/auth/sessie"): page("/auth/sessie"),
}


def route_table(routes: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path template) of every route, included routers and mounts unfolded."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:  # FastAPI's included router
            yield from route_table(included.routes, prefix + route.include_context.prefix)
        elif hasattr(route, "app") and not hasattr(route, "endpoint"):  # a mount
            yield "GET", prefix + route.path
        else:
            for method in sorted(set(route.methods) - {"HEAD"}):
                yield method, prefix + route.path


def issued_reports_topic(kafka: KafkaSettings) -> None:
    """The rapporten topic under the test's prefix, holding one issued report (``ISSUED``)."""
    name = topic_name(Topic.RAPPORTEN, kafka)
    with admin_client(kafka) as admin:
        ensure_specs(admin, [TopicSpec(name, 1, KEPT_FOREVER, "compact")], 1)
    report = IssuedReport(
        id=ISSUED, rapport="sth-halfjaar", periode="2025-H2", peildatum=TODAY,
        uitgegeven_op=datetime(2026, 4, 1, 9, tzinfo=UTC), uitgegeven_door_rol="beleid",
        cijfers_als="publiek", definities={}, normen={}, kolommen=[], rijen=[],
    )  # fmt: skip

    async def write() -> None:
        producer = make_producer(kafka, "matrix")
        await producer.start()
        try:
            await producer.send_and_wait(name, report.value(), key=report.key())
        finally:
            await producer.stop()

    asyncio.run(write())


@pytest.fixture(scope="module")
def served(redis_url: str, kafka_bootstrap: str) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """The reporting service on a free port (uvicorn in a thread), over role_zaken's Redis
    and a rapporten topic of its own on ``kafka_bootstrap`` (the fixture also puts it in the
    environment the settings read); its base URL and its route table."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    with role_zaken(redis_url, f"m{uuid.uuid4().hex[:8]}.") as prefix:
        settings = reporting_settings(redis_url, prefix, ensure_provider())
        issued_reports_topic(settings.kafka)
        app = create_app(settings, today=lambda: TODAY)
        port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "reporting did not start"
            time.sleep(0.02)
        try:
            yield f"http://127.0.0.1:{port}", list(route_table(app.routes))
        finally:
            server.should_exit = True
            thread.join(10)
            delete_topics_with_prefix(settings.kafka, prefix)
            root.handlers[:] = handlers
            root.setLevel(level)


def test_every_route_is_in_the_matrix(served: tuple[str, list[tuple[str, str]]]) -> None:
    _, routes = served
    missing = sorted(set(routes) - set(EXPECTED))
    assert not missing, f"say who may read these routes in EXPECTED: {missing}"


def test_each_role_gets_what_it_may_on_every_route(
    served: tuple[str, list[tuple[str, str]]],
) -> None:
    base, routes = served
    tokens = {**demo_tokens(), "not-a-token": "not-a-token"}
    wrong: list[str] = []
    asked = 0
    with httpx.Client(base_url=base, timeout=20, follow_redirects=False) as client:
        for method, template in sorted(set(routes) & set(EXPECTED)):
            expect = EXPECTED[method, template]
            for path in expect.paths:
                for caller, login in CALLERS.items():
                    headers = {"Authorization": f"Bearer {tokens[login]}"} if login else {}
                    # a stream (the live route) is judged by its status; the body is not read
                    with client.stream(method, path, headers=headers) as answer:
                        status = answer.status_code
                    asked += 1
                    if expect.open:
                        if status in (401, 403):
                            wrong.append(f"{caller} {method} {path}: {status}, route is open")
                        continue
                    wanted = expect.wanted(caller)
                    got: str | int = OK if status < 400 else status
                    if got != wanted:
                        wrong.append(f"{caller} {method} {path}: {status}, expected {wanted}")
    assert asked >= len(EXPECTED) * len(CALLERS)
    assert not wrong, "\n".join(wrong)
