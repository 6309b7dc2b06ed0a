"""A case system posts events to the intake; the figure shows in the reporting API."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from conftest import ANALIST_KEY, INTAKE_AUTH

pytestmark = pytest.mark.e2e

SOURCE = "urn:nld:oin:00000001002220647000:systeem:jeugd-zaaksysteem"
BATCH = {"content-type": "application/cloudevents-batch+json"}


def event(kind: str, zaak: str, datum: str, **data: object) -> dict:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": SOURCE,
        "type": f"nl.helmond.sociaaldomein.{kind}",
        "time": f"{datum}T10:00:00+01:00",
        "data": {"zaak_id": zaak, "datum": datum, **data},
    }


def test_posted_besluiten_appear_as_doorlooptijd(
    intake_url: str, kpi_worker: None, reporting_url: str
):
    # Five jeugdwet zaken in Stiphout (postcode 5704..), aangemeld 2 feb 2026, due 30 mar.
    # Besluit after 20, 30, 40, 50 and 60 days: only the last (3 apr) is after the due date.
    events = []
    for i, besluit in enumerate(
        ("2026-02-22", "2026-03-04", "2026-03-14", "2026-03-24", "2026-04-03")
    ):
        zaak = f"J-{uuid.uuid4().hex[:8]}-{i}"
        events.append(event("zaak.besloten", zaak, besluit, uitkomst="toegekend"))  # early
        events.append(
            event(
                "zaak.aangemeld",
                zaak,
                "2026-02-02",
                wet="jeugdwet",
                soort="aanvraag",
                postcode="5704 AB",
            )
        )
    sent = datetime.now(UTC) - timedelta(seconds=1)
    with httpx.Client(base_url=intake_url, headers=INTAKE_AUTH) as intake:
        answer = intake.post("/api/v1/events", json=events, headers=BATCH)
    answered = datetime.now(UTC) + timedelta(seconds=1)
    assert answer.status_code == 202, answer.text

    query = {"periode": "2026-H1", "wet": "jeugdwet", "wijk": "Stiphout"}
    deadline = time.monotonic() + 30
    cells: list = []
    with httpx.Client(base_url=reporting_url) as reporting:
        while time.monotonic() < deadline:
            cells = reporting.get(
                "/api/v1/kpi/doorlooptijd", params=query, headers={"X-API-Key": ANALIST_KEY}
            ).json()["cells"]
            if cells and cells[0]["n"] == 5:
                break
            time.sleep(0.5)
        assert cells and (cells[0]["n"], cells[0]["n_tijdig"]) == (5, 4), cells
        # when the intake accepted the batch (docs/kpis.md#gewijzigd)
        changed = datetime.fromisoformat(cells[0]["gewijzigd"])
        assert sent <= changed <= answered, (sent, changed, answered)
        publiek = reporting.get("/api/v1/kpi/doorlooptijd", params=query).json()["cells"]
    # docs/domain.md#small-numbers (2026-H1 has ended: publiek sees it). n_tijdig 4 is "<5"
    # and its share is withheld. The months (1, 3 and 1 besluiten) are "<5"; April's one late
    # besluit is n minus a visible n_tijdig of 0, and moving it keeps the half-year's n only
    # together with March's n_tijdig, which the secondary step does not try: it hides the
    # half-year's n (and its median and p90) instead.
    assert publiek == [
        {
            "wet": "jeugdwet",
            "wijk": "Stiphout",
            "cbs_code": "WK079405",
            "periode": "2026-H1",
            "n": "x",
            "n_tijdig": "<5",
            "tijdig_pct": None,
            "median": None,
            "p90": None,
            "verborgen": {
                "n": "secundair",
                "n_tijdig": "primair",
                "tijdig_pct": "afgeleid",
                "median": "afgeleid",
                "p90": "afgeleid",
                "gewijzigd": "afgeleid",  # withheld on a hidden cell: absent above
            },
        }
    ]
