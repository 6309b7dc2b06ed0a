"""deploy/monitoring: the Prometheus alert rules and the Grafana dashboard are well formed,
and every metric and label they name is one the services serve on GET /metrics (read from
the apps' own registries, so a renamed metric fails here, not on a dark dashboard)."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
import yaml
from fastapi import FastAPI
from fixtures.monitoring_rules import (
    MONITORING,
    dashboard,
    expressions,
    rules,
    served_names,
    unserved,
)
from prometheus_client import CollectorRegistry

from services.intake.app import create_app as intake_app
from services.kpi.stream import metrics as kpi_metrics
from services.reporting.app import create_app as reporting_app
from services.signals.app import create_app as signals_app
from services.webhooks.probes import probe_app


def registries() -> list[CollectorRegistry]:
    apps = [intake_app(), signals_app(), reporting_app()]
    webhooks, _ = probe_app(None, None, list)  # type: ignore[arg-type]  # never called here
    for app in [*apps, webhooks]:
        # The request metrics are made with the middleware stack, at the first request;
        # /health needs no connection (no lifespan: nothing connects).
        assert asyncio.run(_health(app)) == 200
    return [*(app.state.metrics for app in [*apps, webhooks]), worker_registry()]


def worker_registry() -> CollectorRegistry:
    """The KPI worker's registry as a worker holding one partition serves it (its lag and
    stall gauges exist per partition held); a real worker's GET /metrics is checked against
    the same rules in tests/integration/test_kpi_worker.py."""
    kpi_metrics.standings.standings = [kpi_metrics.Standing("wijkpuls.events", 0, 1, 0, False)]
    return kpi_metrics.REGISTRY


async def _health(app: FastAPI) -> int:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as c:
        return (await c.get("/health")).status_code


def served() -> dict[str, set[str]]:
    """Every sample name the services can serve -> its label names."""
    found: dict[str, set[str]] = {}
    for registry in registries():
        # The collectors' label names: a labelled metric without samples yet shows none.
        labels = {
            name: set(getattr(collector, "_labelnames", ()))
            for collector, names in registry._collector_to_names.items()
            for name in names
        }
        found |= served_names(registry.collect(), labels)
    return found


def test_the_alert_rules_are_well_formed() -> None:
    document = yaml.safe_load((MONITORING / "alert-rules.yaml").read_text())
    assert set(document) == {"groups"}
    names = [group["name"] for group in document["groups"]]
    assert len(names) == len(set(names)) and all(g["rules"] for g in document["groups"])
    alerts = [rule["alert"] for rule in rules()]
    assert len(alerts) == len(set(alerts))
    for rule in rules():
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule
        assert re.fullmatch(r"Wijkpuls[A-Z][A-Za-z]+", rule["alert"])
        assert re.fullmatch(r"[0-9]+[smh]", rule.get("for", "0s")), rule["alert"]
        assert rule["labels"]["severity"] in {"warning", "critical"}
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        assert rule["expr"].count("(") == rule["expr"].count(")"), rule["alert"]


def test_the_dashboard_is_well_formed() -> None:
    board = dashboard()
    assert board["uid"] and board["title"] and isinstance(board["schemaVersion"], int)
    ids = [panel["id"] for panel in board["panels"]]
    assert len(ids) == len(set(ids))
    variables = {v["name"] for v in board["templating"]["list"]}
    for panel in board["panels"]:
        assert set(panel["gridPos"]) == {"x", "y", "w", "h"}
        assert panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
        assert panel["targets"], panel["title"]
        refs = [t["refId"] for t in panel["targets"]]
        assert len(refs) == len(set(refs))
        for source in [panel["datasource"], *(t["datasource"] for t in panel["targets"])]:
            assert source["type"] == "prometheus"
            assert source["uid"].strip("${}") in variables
        for target in panel["targets"]:
            assert target["expr"].count("(") == target["expr"].count(")"), panel["title"]


@pytest.fixture(scope="module")
def known() -> dict[str, set[str]]:
    return served()


@pytest.mark.parametrize(("where", "expr"), expressions())
def test_every_metric_and_label_named_is_served(
    where: str, expr: str, known: dict[str, set[str]]
) -> None:
    assert re.search(r"\bwijkpuls_", expr), f"{where}: names no wijkpuls metric"
    assert not unserved(expr, known), f"{where}: {unserved(expr, known)}"


def test_the_checks_would_see_a_renamed_metric(known: dict[str, set[str]]) -> None:
    assert "wijkpuls_intake_events_total" in known
    assert "wijkpuls_intake_event_total" not in known
    assert {"client", "outcome"} <= known["wijkpuls_intake_events_total"]
    assert "webhook" in known["wijkpuls_webhooks_consecutive_failures"]
    assert {"topic", "partition"} <= known["wijkpuls_kpi_consumer_lag"]
    assert unserved("wijkpuls_kpi_consumer_lags", known) == [
        "wijkpuls_kpi_consumer_lags is served by no service"
    ]
    assert unserved("sum by (agent) (wijkpuls_kpi_consumer_lag)", known) == [
        "no metric of it has the label agent"
    ]
