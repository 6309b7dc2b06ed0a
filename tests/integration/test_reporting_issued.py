"""Issued STH reports (``POST /api/v1/rapport/sth/{halfjaar}/uitgaven``) on the real Kafka
and Redis: an issue is kept as published on its own compacted topic, so a reporting service
started afresh (a new app, nothing in memory) still has it; a late event that moves a figure
of the closed half-year shows as a change against the issued report, which stays as it was."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import httpx
import pytest
import redis
import redis.asyncio as aioredis
from fixtures.demo_figures import demo_figures
from fixtures.oidc_provider import ensure_provider, provider_login
from fixtures.root_logging import kept_root_logging

from demo import DemoOptions
from services.kpi.zaken.facts import zaak_fact
from services.kpi.zaken.figures_sink import FigureSink
from services.reporting.app import create_app
from services.reporting.settings import OidcSettings, ReportingSettings, Settings
from shared.contract.events import accept_at_edge
from shared.contract.figure_keys import FigureKeys
from shared.contract.topics import Topic, topic_name, topic_specs
from shared.core.domain import AtwCalendar, ZaakHistory
from shared.core.kpi.contribution import zaak_contribution
from shared.core.pseudonym import Pseudonymiser
from shared.platform.kafka_admin import admin_client, delete_topics_with_prefix, ensure_specs
from shared.platform.settings import (
    KafkaSettings,
    PseudonymSettings,
    RedisSettings,
    get_domain_config,
)

pytestmark = pytest.mark.integration

TODAY = date(2027, 1, 10)
HALFJAAR = "2026-H2"
BELEID = {"X-API-Key": "issued-beleid-key-0123456789"}
ANALIST = {"X-API-Key": "issued-analist-key-0123456789"}
URL = f"/api/v1/rapport/sth/{HALFJAAR}/uitgaven"
BASE = "http://127.0.0.1:8001"  # in-process; the identity provider redirects here


@pytest.fixture(scope="module")
def kafka(redis_url: str, kafka_bootstrap: str) -> Iterator[KafkaSettings]:
    """The demo's figures in Redis and the rapporten topic on Kafka, both under one prefix."""
    options = DemoOptions(start=date(2025, 1, 1), months=24, seed=11, today=TODAY, scale=0.1)
    with demo_figures(redis_url, options, f"u{uuid.uuid4().hex[:8]}.") as prefix:
        settings = KafkaSettings(bootstrap_servers=kafka_bootstrap, topic_prefix=prefix)
        rapporten = topic_name(Topic.RAPPORTEN, settings)
        specs = [s for s in topic_specs(settings, get_domain_config()) if s.name == rapporten]
        with admin_client(settings) as admin:
            ensure_specs(admin, specs, 1)
        try:
            yield settings
        finally:
            delete_topics_with_prefix(settings, prefix)


@asynccontextmanager
async def reporting(
    redis_url: str, kafka: KafkaSettings, issuer: str = ""
) -> AsyncIterator[httpx.AsyncClient]:
    """A reporting service with an empty memory: its lifespan starts and stops with the block
    (page sign-in at ``issuer`` when given)."""
    settings = Settings(
        kafka=kafka,
        redis=RedisSettings(url=redis_url),
        reporting=ReportingSettings(
            api_keys={BELEID["X-API-Key"]: "beleid", ANALIST["X-API-Key"]: "analist"}
        ),
        oidc=OidcSettings(issuer=issuer),
    )
    with kept_root_logging():
        app = create_app(settings, today=lambda: TODAY)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
                yield client


async def late_sth_zaak(redis_url: str, prefix: str) -> None:
    """A hulpvraag of September 2026 registered only now, in January 2027, written to the
    figures as the KPI worker's sink writes a zaak's contribution."""
    domain = get_domain_config()
    keys = PseudonymSettings()
    pseudonymiser = Pseudonymiser(keys.key, keys.key_version)
    zaak = f"STH-LAAT-{uuid.uuid4().hex[:6]}"
    source = "urn:nld:oin:00000001002220647000:systeem:sth-registratie"
    raw = [
        ("zaak.aangemeld", "2026-09-01",
         {"wet": "sth", "soort": "hulpvraag", "postcode": "5705 KK"}),
        ("zaak.eerste-contact", "2026-09-02", {"vorm": "huisbezoek"}),
    ]  # fmt: skip
    history = ZaakHistory()
    for kind, datum, data in raw:
        event = {
            "specversion": "1.0", "id": str(uuid.uuid4()), "source": source,
            "type": f"nl.helmond.sociaaldomein.{kind}", "time": "2027-01-09T10:00:00+01:00",
            "subject": zaak, "datacontenttype": "application/json",
            "data": {"zaak_id": zaak, "datum": datum, **data},
        }  # fmt: skip
        found = zaak_fact(accept_at_edge(event, domain, pseudonymiser))
        assert found is not None
        history = history.add(found[1])
    contribution = zaak_contribution(
        history, domain, AtwCalendar(domain.gelijkgestelde_dagen), zaak_id=zaak
    )
    async with aioredis.Redis.from_url(redis_url, decode_responses=True) as r:
        await FigureSink(r, FigureKeys(prefix)).replace(zaak, contribution)


def cell(rows: list[dict[str, Any]], kpi: str, wijk: str) -> dict[str, Any]:
    return next(r for r in rows if r["kpi"] == kpi and r["wijk"] == wijk)


async def issue_and_read(redis_url: str, kafka: KafkaSettings) -> dict[str, Any]:
    async with reporting(redis_url, kafka) as client:
        refused = await client.post(URL)  # publiek
        assert refused.status_code == 403
        running = await client.post("/api/v1/rapport/sth/2027-H1/uitgaven", headers=BELEID)
        assert running.status_code == 409
        issued = await client.post(URL, headers=ANALIST)
        assert issued.status_code == 201, issued.text
        body = issued.json()
        assert issued.headers["location"] == body["_links"]["self"]["href"]
        # Read as publiek whoever issues: the analist's issue holds no small numbers.
        assert body["cijfers_als"] == "publiek" and body["uitgegeven_door_rol"] == "analist"
        public = (await client.get(f"/api/v1/rapport/sth/{HALFJAAR}")).json()["rijen"]
        assert body["rijen"] == public
        assert any(r["verborgen"] for r in body["rijen"]), "hidden figures are issued hidden"
        return dict(body)


async def test_an_issued_report_survives_a_restart_and_shows_what_changed_since(
    redis_url: str, kafka: KafkaSettings
) -> None:
    issued = await issue_and_read(redis_url, kafka)
    with redis.Redis.from_url(redis_url) as store:  # nothing of it in Redis, the lossy view
        assert not list(store.scan_iter(match=f"*{issued['id']}*"))

    async with reporting(redis_url, kafka) as client:  # started afresh: only Kafka has it
        listed = (await client.get(URL)).json()
        mine = [u for u in listed["uitgaven"] if u["id"] == issued["id"]]
        assert len(mine) == 1 and mine[0]["peildatum"] == TODAY.isoformat()
        one = await client.get(issued["_links"]["self"]["href"])
        assert one.status_code == 200
        assert one.json()["rijen"] == issued["rijen"]
        assert one.json()["wijzigingen"] == []
        assert (await client.get(f"{URL}/2026-H2-0-none")).status_code == 404
        await late_sth_zaak(redis_url, kafka.topic_prefix)
        await asyncio.sleep(1.2)  # the read path asks for a KPI's version once a second
        later = (await client.get(issued["_links"]["self"]["href"])).json()

    assert later["rijen"] == issued["rijen"], "the issued report itself never changes"
    was = cell(issued["rijen"], "sth-opgepakt", "gemeente")
    changed = {(c["kpi"], c["wijk"], c["veld"]): c for c in later["wijzigingen"]}
    n = changed[("sth-opgepakt", "gemeente", "n")]
    assert (n["uitgegeven"], n["nu"]) == (was["n"], was["n"] + 1)
    assert ("sth-opgepakt", "gemeente", "teller") in changed
    assert all(c["kpi"] == "sth-opgepakt" for c in later["wijzigingen"])


async def test_a_signed_in_page_issues_only_from_this_site(
    redis_url: str, kafka: KafkaSettings
) -> None:
    async with reporting(redis_url, kafka, ensure_provider()) as client:
        start = await client.get("/auth/aanmelden", params={"terug": "/monitor/rapport"})
        state = start.cookies["wijkpuls_aanmelding"]
        callback = provider_login(start.headers["location"], "beleid", BASE)
        done = await client.get(callback, headers={"Cookie": f"wijkpuls_aanmelding={state}"})
        assert done.status_code == 303
        session = {"Cookie": f"wijkpuls_sessie={done.cookies['wijkpuls_sessie']}"}
        before = (await client.get(URL)).json()["total"]
        elsewhere = await client.post(URL, headers={**session, "Origin": "https://elders.example"})
        assert elsewhere.status_code == 403
        assert elsewhere.json()["type"].endswith("cross-site")
        assert (await client.get(URL)).json()["total"] == before, "nothing kept"
        # from this site too, only with the session's CSRF token
        token = (await client.get("/auth/sessie", headers=session)).json()["csrf"]
        for sent in ({}, {"X-CSRF-Token": "niet-het-token"}):
            refused = await client.post(URL, headers={**session, "Origin": BASE, **sent})
            assert refused.status_code == 403, sent
            assert refused.json()["type"].endswith("csrf-token-refused")
        assert (await client.get(URL)).json()["total"] == before, "nothing kept"
        here = await client.post(URL, headers={**session, "Origin": BASE, "X-CSRF-Token": token})
        assert here.status_code == 201
        assert here.json()["uitgegeven_door_rol"] == "beleid"
