"""The wachtend list and the open-over-termijn cells end to end on the real broker and Redis:
the KPI worker processes a small stream (a demo stream with its duplicates, late events and
corrections, plus worked examples and redeliveries); the reporting API then serves exactly
what the independent reference computes from the same raw events, on several peildata."""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from fixtures.service_procs import free_port, log_says, run_service
from reference.wachtend import wachtend as reference_wachtend
from test_kpi_worker import as_record, produce
from test_reporting_termijnen import ANALIST, settings

from demo import DemoOptions, DemoStream
from services.reporting.app import create_app
from shared.contract.events import accept_at_edge, new_event
from shared.core.pseudonym import Pseudonymiser
from shared.platform.settings import (
    Environment,
    KafkaSettings,
    PseudonymSettings,
    get_domain_config,
)

pytestmark = pytest.mark.integration

TODAY = date(2026, 5, 10)
PEILDATA = [TODAY, date(2026, 4, 1), date(2026, 3, 2), date(2026, 2, 14)]
SOURCE = "urn:nld:oin:00000001002220647000:systeem:wmo-zaaksysteem"
T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)


def worked_examples() -> list:
    """What the demo lacks: waits from a toewijzing, a corrected besluit, a closed zaak."""
    made: list = []

    def ev(kind: str, zaak: str, datum: str, minutes: int, **data: Any) -> None:
        made.append(new_event(kind, {"zaak_id": zaak, "datum": datum, **data}, source=SOURCE,
                              time=T0 + timedelta(minutes=minutes)))  # fmt: skip

    aangemeld = {"wet": "wmo", "soort": "melding", "wijk": "Stiphout"}
    # T-1: toewijzing 2 mar, besluit 20 mar: waits from the toewijzing, then from the besluit.
    ev("zaak.aangemeld", "T-1", "2026-02-01", 0, **aangemeld)
    ev("zorg.toegewezen", "T-1", "2026-03-02", 1)
    ev("zaak.besloten", "T-1", "2026-03-20", 2, uitkomst="toegekend")
    # T-2: besluit of 20 feb corrected (later time) to 10 mar; care started 28 apr.
    ev("zaak.aangemeld", "T-2", "2026-01-20", 3, **aangemeld)
    ev("zaak.besloten", "T-2", "2026-02-20", 4, uitkomst="toegekend")
    ev("zaak.besloten", "T-2", "2026-03-10", 5, uitkomst="toegekend")
    ev("zorg.gestart", "T-2", "2026-04-28", 6)
    # T-3: granted, then closed without care on 15 apr: waits no more from then.
    ev("zaak.aangemeld", "T-3", "2026-01-20", 7, wet="jeugdwet", soort="aanvraag", wijk="Stiphout")
    ev("zaak.besloten", "T-3", "2026-02-10", 8, uitkomst="toegekend")
    ev("zaak.afgesloten", "T-3", "2026-04-15", 9, verwezen=False)
    return made


def stream() -> list:
    domain = get_domain_config()
    keys = PseudonymSettings()
    pseudonymiser = Pseudonymiser(keys.key, keys.key_version)
    options = DemoOptions(start=date(2026, 1, 1), months=4, seed=11, today=TODAY, scale=0.3)
    demo = [accept_at_edge(e, domain, pseudonymiser) for e in DemoStream(options, domain)]
    return [*demo, *worked_examples()]


@asynccontextmanager
async def reporting(redis_url: str, prefix: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings(redis_url, prefix, Environment.PRODUCTION), today=lambda: TODAY)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as c:
            yield c


def expected(raw: list[dict[str, Any]], peildatum: date) -> list[dict[str, Any]]:
    rows = [{"zaak_id": z, **w, "sinds": w["sinds"].isoformat()}
            for z, w in reference_wachtend(raw, peildatum).items()]  # fmt: skip
    return sorted(rows, key=lambda r: (-r["dagen"], r["zaak_id"]))


async def served(client: httpx.AsyncClient, **params: str) -> dict[str, Any]:
    """The whole list, read in pages of 7 (following _links.next) and put together."""
    response = await client.get("/api/v1/wachtend", params={**params, "limit": "7"},
                                headers=ANALIST)  # fmt: skip
    assert response.status_code == 200, response.text
    whole = dict(response.json())
    answer = whole
    while "next" in answer["_links"]:
        answer = (await client.get(answer["_links"]["next"]["href"], headers=ANALIST)).json()
        assert (answer["counts"], answer["total"]) == (whole["counts"], whole["total"])
        whole["zaken"] += answer["zaken"]
    assert whole["total"] == len(whole["zaken"])
    return whole


async def check_paging_and_csv(client: httpx.AsyncClient) -> None:
    everything = (await served(client))["zaken"]
    assert len(everything) > 7, "too few zaken to page"
    first = await client.get("/api/v1/wachtend?limit=3&format=csv", headers=ANALIST)
    assert first.headers["content-type"].startswith("text/csv")
    assert first.headers["API-Version"] == "1.0.0"
    lines = first.text.split("\r\n")
    assert lines[0] == "zaak_id,wet,wijk,sinds,grond,dagen"
    row = everything[0]
    assert lines[1] == ",".join(str(row[k]) for k in ("zaak_id", "wet", "wijk", "sinds",
                                                      "grond", "dagen"))  # fmt: skip
    assert len(lines) == 5 and first.headers["X-Total-Count"] == str(len(everything))
    following = first.headers["Link"].split(">")[0].lstrip("<")
    second = await client.get(following, headers=ANALIST)
    assert second.text.split("\r\n")[1].startswith(everything[3]["zaak_id"] + ",")
    last = await client.get(f"/api/v1/wachtend?limit={len(everything)}", headers=ANALIST)
    assert "next" not in last.json()["_links"] and "Link" not in last.headers
    for params, field in [({"limit": "1001"}, "limit"), ({"cursor": "%%%"}, "cursor"),
                          ({"pagina": "2"}, "pagina")]:  # fmt: skip
        refused = await client.get("/api/v1/wachtend", params=params, headers=ANALIST)
        assert refused.status_code == 422 and refused.headers["API-Version"] == "1.0.0"
        assert [e["field"] for e in refused.json()["errors"]] == [field]
        assert refused.json()["instance"] == "/api/v1/wachtend"
    publiek = await client.get("/api/v1/wachtend", params={"format": "csv"})
    rows = publiek.text.split("\r\n")
    assert rows[0] == "wet,wijk,n,verborgen"
    assert len(rows) > 2
    for row in rows[1:-1]:
        _, _, n, verborgen = row.split(",")
        assert (n, verborgen) == ("", "<5") or (int(n) >= 5 and verborgen == "")
    assert (await client.get("/api/v1/wachtend")).json()["total"] is None


async def caught_up(client: httpx.AsyncClient, rows: list[dict[str, Any]]) -> bool:
    """Whether the list equals ``rows``. While the worker still writes, the pages of one read
    may disagree on counts and total (served() asserts they agree once the list is still)."""
    try:
        return (await served(client))["zaken"] == rows
    except AssertionError:
        return False


async def check(client: httpx.AsyncClient, raw: list[dict[str, Any]]) -> None:
    deadline = time.monotonic() + 90
    while not await caught_up(client, expected(raw, TODAY)):
        assert time.monotonic() < deadline, "the worker did not reach the reference in 90 s"
        await asyncio.sleep(1)
    for peildatum in PEILDATA:
        answer = await served(client, peildatum=peildatum.isoformat())
        rows = expected(raw, peildatum)
        assert answer["zaken"] == rows, peildatum
        per_cell = Counter((r["wet"], w) for r in rows for w in (r["wijk"], "gemeente"))
        assert {(c["wet"], c["wijk"]): c["n"] for c in answer["counts"]} == per_cell
    assert {r["grond"] for r in expected(raw, date(2026, 3, 10))} == {"besluit", "toewijzing"}
    by_id = {r["zaak_id"]: r for r in (await served(client, peildatum="2026-04-01"))["zaken"]}
    assert (by_id["T-1"]["grond"], by_id["T-1"]["dagen"]) == ("besluit", 12)
    assert (by_id["T-2"]["sinds"], by_id["T-3"]["dagen"]) == ("2026-03-10", 50)
    assert "T-2" not in {r["zaak_id"] for r in (await served(client))["zaken"]}
    stiphout = await served(client, wijk="Stiphout", wet="wmo", peildatum="2026-03-10")
    assert {(r["wet"], r["wijk"]) for r in stiphout["zaken"]} == {("wmo", "Stiphout")}
    mine = [
        (r["zaak_id"], r["grond"], r["dagen"]) for r in stiphout["zaken"] if "T-" in r["zaak_id"]
    ]
    assert mine == [("T-1", "toewijzing", 8), ("T-2", "besluit", 0)]
    assert stiphout["counts"] == [{"wet": "wmo", "wijk": "Stiphout", "n": len(stiphout["zaken"])}]

    publiek = (await client.get("/api/v1/wachtend", params={"wijk": "Stiphout"})).json()
    assert publiek["zaken"] is None
    assert all(c["n"] == "<5" or c["n"] >= 5 for c in publiek["counts"])
    assert "huishouden" not in str(await served(client)) and "hh-" not in str(publiek)
    await check_paging_and_csv(client)


async def check_open_over_termijn_cells(client: httpx.AsyncClient) -> None:
    """The cells count exactly the zaken of the list, by the periode of their due date."""
    for peildatum in ("2026-05-10", "2026-03-31"):
        params = {"peildatum": peildatum, "limit": "1000"}
        listed = (await client.get("/api/v1/open-over-termijn", params=params,
                                   headers=ANALIST)).json()  # fmt: skip
        assert "next" not in listed["_links"]
        by_due_month: Counter[tuple[str, str, str]] = Counter()
        for clock in listed["clocks"]:
            for z in clock["zaken"]:
                by_due_month[z["wet"], z["due"][:7], clock["clock"]] += 1
        answer = (await client.get("/api/v1/kpi/open-over-termijn",
                                   params={"peildatum": peildatum, "wijk": "gemeente"},
                                   headers=ANALIST)).json()  # fmt: skip
        assert answer["kpi"] == "open-over-termijn" and answer["weggelaten_perioden"] == []
        months = {(c["wet"], c["periode"], c["clock"]): c["n"] for c in answer["cells"]
                  if "-H" not in c["periode"] and len(c["periode"]) == 7}  # fmt: skip
        assert months == by_due_month and sum(months.values()) > 10
    publiek = (
        await client.get("/api/v1/kpi/open-over-termijn", params={"periode": "2026-03"})
    ).json()
    assert publiek["cells"] and all(c["periode"] == "2026-03" for c in publiek["cells"])
    # docs/domain.md#small-numbers: "<5" is primair, "x" hidden at 5 or more, else a count
    assert all(
        (c["n"], c["verborgen"].get("n")) in (("<5", "primair"), ("x", "secundair"))
        or (c["n"] >= 5 and c["verborgen"] == {})
        for c in publiek["cells"]
    )


def test_the_worker_feeds_wachtend_and_the_reporting_equals_the_reference(
    kafka_settings: KafkaSettings, kafka_topics, redis_url: str, tmp_path: Path
):
    events = stream()
    raw = [e.to_dict() for e in events]
    records = [as_record(e) for e in events]
    records += random.Random(6).sample(records, 60)  # redeliveries
    random.Random(9).shuffle(records)
    env = {
        **os.environ,
        "WIJKPULS_KAFKA_BOOTSTRAP_SERVERS": kafka_settings.bootstrap_servers,
        "WIJKPULS_KAFKA_TOPIC_PREFIX": kafka_settings.topic_prefix,
        "WIJKPULS_REDIS_URL": redis_url,
        "WIJKPULS_KPI_DATA_DIR": str(tmp_path / "kpi"),
        "WIJKPULS_KPI_WEB_PORT": str(free_port()),
    }
    topic = f"{kafka_settings.topic_prefix}wijkpuls.events"
    args = ["-m", "services.kpi", "worker", "-l", "info"]

    async def run() -> None:
        await produce(kafka_settings.bootstrap_servers, topic, records)
        async with reporting(redis_url, kafka_settings.topic_prefix) as client:
            await check(client, raw)
            await check_open_over_termijn_cells(client)

    try:
        with run_service(args, env, tmp_path / "kpi.log", log_says("Worker ready"), timeout_s=90):
            asyncio.run(run())
    finally:
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"{kafka_settings.topic_prefix}wp:*"))
        if keys:
            client.delete(*keys)
        client.close()
