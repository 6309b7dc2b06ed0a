"""A team lead's webhook hears about a Wmo melding nearing, passing and missing its term.

Through the real services: intake, KPI worker, reporting and the webhook dispatcher, with a
local webhook receiver. The worker's today is the wall clock until the test sets a date with
``python -m shared.platform.today`` (honoured in the test environment only).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import ANALIST_KEY, INTAKE_AUTH
from fixtures.service_procs import ROOT, free_port, http_ok, run_service
from fixtures.webhook_receiver import Receiver, receiving

from services.webhooks.signing import hook_id
from shared.core.alerts import AlertKind, alert_id
from shared.core.domain import AtwCalendar, ZaakHistory, compute_clock
from shared.core.domain.fact import Fact
from shared.core.local_time import amsterdam_today
from shared.platform.settings import get_domain_config

pytestmark = pytest.mark.e2e

SOURCE = "urn:nld:oin:00000001002220647000:systeem:wmo-zaaksysteem"
BATCH = {"content-type": "application/cloudevents-batch+json"}
ANALIST = {"X-API-Key": ANALIST_KEY}
SECRET = "e2e-webhook-secret-0123456789"


def event(kind: str, zaak: str, datum: date, **data: object) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": SOURCE,
        "type": f"nl.helmond.sociaaldomein.{kind}",
        "time": datetime.now(UTC).isoformat(),
        "data": {"zaak_id": zaak, "datum": datum.isoformat(), **data},
    }


def melding(zaak: str, datum: date) -> dict[str, Any]:
    return event("zaak.aangemeld", zaak, datum, wet="wmo", soort="melding", postcode="5707 AB")


def resident_due(datum: date) -> date:
    """The wmo-besluit due date as the clock module computes it (8 weeks, Atw shift)."""
    domain = get_domain_config()
    clock = next(c for c in domain.clocks if c.id == "wmo-besluit")
    fact = Fact("zaak.aangemeld", SOURCE, "x", datetime.now(UTC), datum, wet="wmo")
    result = compute_clock(clock, ZaakHistory.of([fact]), AtwCalendar(domain.gelijkgestelde_dagen))
    assert result is not None
    return result.due


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving(SECRET) as r:
        yield r


@pytest.fixture
def service_env(service_env: dict[str, str], receiver: Receiver) -> dict[str, str]:
    return {
        **service_env,
        "WIJKPULS_KPI_ALERT_TICK_S": "0.5",
        "WIJKPULS_WEBHOOK_URLS": json.dumps([receiver.url]),
        "WIJKPULS_WEBHOOK_SECRET": SECRET,
        "WIJKPULS_WEBHOOK_BACKOFF_INITIAL_S": "0.1",
    }


@pytest.fixture
def dispatcher(service_env: dict[str, str], tmp_path: Path) -> Iterator[int]:
    """The dispatcher's probe port, once its /ready says Redis, Kafka and the loop answer."""
    port = free_port()
    args = ["-m", "services.webhooks", "--port", str(port)]
    ready = http_ok(f"http://127.0.0.1:{port}/ready")
    with run_service(args, service_env, tmp_path / "webhooks.log", ready):
        yield port


def set_today(env: dict[str, str], day: date) -> None:
    subprocess.run(
        [sys.executable, "-m", "shared.platform.today", "set", day.isoformat()],
        env=env, cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip


def pushed(receiver: Receiver, zaak: str) -> list[tuple[str, str, str]]:
    return [
        (e["type"].rsplit(".", 1)[1], e["data"]["clock"], e["data"]["datum"])
        for e in receiver.accepted
        if e["data"]["zaak_id"] == zaak
    ]


def wait_for(receiver: Receiver, zaak: str, count: int, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while len(pushed(receiver, zaak)) < count and time.monotonic() < deadline:
        time.sleep(0.2)


def open_clocks(reporting: httpx.Client, **params: str) -> dict[str, list[str]]:
    query = {"limit": "1000", **params}
    answer = reporting.get("/api/v1/open-over-termijn", params=query, headers=ANALIST).json()
    return {c["clock"]: [z["zaak_id"] for z in c["zaken"]] for c in answer["clocks"]}


def test_waarschuwing_then_termijn_overschreden_then_opgelost_na_termijn(
    service_env: dict[str, str],
    receiver: Receiver,
    intake_url: str,
    kpi_worker: None,
    reporting_url: str,
    dispatcher: int,
):
    today = amsterdam_today()
    zaak, old = f"E2E-{uuid.uuid4().hex[:8]}", f"E2E-OLD-{uuid.uuid4().hex[:8]}"
    gemeld = today - timedelta(weeks=7)
    due = resident_due(gemeld)  # about a week from now: the waarschuwing (14 days) is due
    # The onderzoek was done in time, so only the resident's 8-week clock is running.
    events = [
        melding(zaak, gemeld),
        event("zaak.onderzoek-afgerond", zaak, gemeld + timedelta(weeks=4)),
        # A zaak from before Wijkpuls knew it: its terms had passed, its alerts are historisch.
        melding(old, today - timedelta(weeks=20)),
    ]
    intake = httpx.Client(base_url=intake_url, headers=INTAKE_AUTH)
    reporting = httpx.Client(base_url=reporting_url)
    with intake, reporting:
        assert intake.post("/api/v1/events", json=events, headers=BATCH).status_code == 202

        wait_for(receiver, zaak, 1)
        assert pushed(receiver, zaak) == [
            ("waarschuwing", "wmo-besluit", (due - timedelta(days=14)).isoformat())
        ]
        (first,) = receiver.accepted
        assert first["id"] == alert_id(zaak, "wmo-besluit", AlertKind.WAARSCHUWING)
        assert first["data"] == {
            "zaak_id": zaak,
            "datum": (due - timedelta(days=14)).isoformat(),
            "alert_id": first["id"],
            "wet": "wmo",
            "wijk": "Warande",
            "clock": "wmo-besluit",
            "due": due.isoformat(),
            "historisch": False,
        }
        feed = reporting.get("/api/v1/alerts", params={"historisch": "true"}, headers=ANALIST)
        historisch = {(a["zaak_id"], a["clock"], a["type"]) for a in feed.json()["alerts"]}
        assert (old, "wmo-besluit", "alert.termijn-overschreden") in historisch
        # The melding arrived before its onderzoek-afgerond: for that moment the onderzoek
        # was known only as overdue since before Wijkpuls saw the zaak: historisch, not pushed.
        assert {(z, c) for z, c, _ in historisch} <= {
            (old, "wmo-onderzoek"), (old, "wmo-besluit"), (zaak, "wmo-onderzoek")
        }  # fmt: skip

        # The term passes: the worker's clock moves past the due date.
        set_today(service_env, due + timedelta(days=1))
        wait_for(receiver, zaak, 2)
        assert pushed(receiver, zaak)[1] == (
            "termijn-overschreden", "wmo-besluit", (due + timedelta(days=1)).isoformat()
        )  # fmt: skip
        assert zaak in open_clocks(reporting, clock="wmo-besluit")["wmo-besluit"]
        termijnen = reporting.get(f"/api/v1/zaken/{zaak}/termijnen", headers=ANALIST).json()
        (besluit,) = [t for t in termijnen["termijnen"] if t["clock"] == "wmo-besluit"]
        assert (besluit["status"], besluit["days_over"]) == ("over-termijn", 1)

        # The besluit comes a day late.
        late = [event("zaak.besloten", zaak, due + timedelta(days=1), uitkomst="toegekend")]
        assert intake.post("/api/v1/events", json=late, headers=BATCH).status_code == 202
        wait_for(receiver, zaak, 3)
        assert pushed(receiver, zaak)[2] == (
            "opgelost-na-termijn", "wmo-besluit", (due + timedelta(days=1)).isoformat()
        )  # fmt: skip
        deadline = time.monotonic() + 15
        while any(zaak in z for z in open_clocks(reporting).values()):
            assert time.monotonic() < deadline, "the zaak stayed on the open-over-termijn list"
            time.sleep(0.3)
        assert old in open_clocks(reporting)["wmo-besluit"]
        termijnen = reporting.get(f"/api/v1/zaken/{zaak}/termijnen", headers=ANALIST).json()
        (besluit,) = [t for t in termijnen["termijnen"] if t["clock"] == "wmo-besluit"]
        assert besluit["status"] == "te-laat" and besluit["steps"][-1]["kind"] == "stop"

    time.sleep(1.5)  # a repeat would have come by now
    assert len(pushed(receiver, zaak)) == 3
    assert sorted(receiver.ids().values()) == [1, 1, 1]  # each alert once, none of `old`
    assert receiver.bad_signatures == 0
    metrics = httpx.get(f"http://127.0.0.1:{dispatcher}/metrics").text.splitlines()
    hook = hook_id(receiver.url)
    assert f'wijkpuls_webhooks_alerts_total{{outcome="delivered",webhook="{hook}"}} 3.0' in metrics
    assert f'wijkpuls_webhooks_attempts_total{{webhook="{hook}"}} 3.0' in metrics
