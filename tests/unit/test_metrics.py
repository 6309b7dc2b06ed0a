"""Every HTTP service answers GET /metrics in the Prometheus text format without a key, and
counts its requests per route template and status (shared/platform/metrics.py)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

from services.intake.app import create_app as intake_app
from services.reporting.app import create_app as reporting_app
from services.signals.app import create_app as signals_app


@pytest.mark.parametrize(
    ("make", "service"),
    [(intake_app, "intake"), (signals_app, "signals"), (reporting_app, "reporting")],
)
async def test_metrics_are_served_and_count_requests(
    make: Callable[[], FastAPI], service: str
) -> None:
    app = make()  # no lifespan: /health and /metrics need none of the connections
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as http:
        assert (await http.get("/health")).status_code == 200
        assert (await http.get("/api/v1/no-such-route")).status_code == 404
        answer = await http.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    name = f"wijkpuls_{service}_http_requests_total"
    assert any(line.startswith(name + "{") and 'status="404"' in line
               for line in answer.text.splitlines()), answer.text[:1500]  # fmt: skip
    assert "/health" not in answer.text, "the probes are left out of the request metrics"


def test_two_apps_in_one_process_keep_their_own_metrics() -> None:
    first, second = intake_app(), intake_app()  # the global registry would refuse the second
    assert first.state.metrics is not second.state.metrics
