"""ZGW adapter end to end: Open Notificaties callback -> Zaken/Besluiten API over HTTP -> Kafka.

The APIs are a local HTTP server with the specifications' payloads (tests/fixtures/zgw_server.py);
the
broker and Redis are the real ones. The router runs in a FastAPI app of its own here, as the
intake includes it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import redis.asyncio
from aiokafka import AIOKafkaConsumer
from fastapi import FastAPI
from fixtures.zgw_server import FakeZgw
from pydantic import SecretStr

from services.intake.settings import Settings, ZgwSettings
from services.intake.zgw.reconcile import reconcile_once
from services.intake.zgw.wiring import ZgwAdapter, zgw_router
from shared.contract.events import CloudEvent, from_kafka_record
from shared.contract.topics import TopicSpec
from shared.platform.settings import KafkaSettings, RedisSettings

pytestmark = pytest.mark.integration

CLIENT_ID, SECRET = "wijkpuls-test", "zgw-test-secret-0123456789"
CALLBACK = "Token abonnement-wijkpuls-0123456789"
AUTH = {"Authorization": CALLBACK}
PATH = "/api/v1/zgw/notificaties"
T0 = datetime(2026, 3, 2, 8, 47, 12, tzinfo=UTC)
AFWIJZING = "https://catalogi.helmond.example/catalogi/api/v1/besluittypen/99aa1a59-67a0-56ae-8c1d-a48c24ddb1e0"


@dataclass
class Intake:
    http: httpx.AsyncClient
    adapter: ZgwAdapter
    kafka: KafkaSettings
    redis_url: str

    @property
    def topic(self) -> str:
        return f"{self.kafka.topic_prefix}wijkpuls.events"

    async def notify(self, body: dict[str, Any]) -> httpx.Response:
        return await self.http.post(PATH, json=body, headers=AUTH)

    async def events(self, expected: int, timeout_s: float = 20) -> list[CloudEvent]:
        """Every event on the topic once ``expected`` arrived, plus a poll that proves no more."""
        consumer = AIOKafkaConsumer(
            self.topic,
            bootstrap_servers=self.kafka.bootstrap_servers,
            group_id=f"zgw-{uuid.uuid4()}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        records: list[Any] = []
        try:
            deadline = asyncio.get_running_loop().time() + timeout_s
            while len(records) < expected and asyncio.get_running_loop().time() < deadline:
                for batch in (await consumer.getmany(timeout_ms=300)).values():
                    records.extend(batch)
            for batch in (await consumer.getmany(timeout_ms=800)).values():
                records.extend(batch)
        finally:
            await consumer.stop()
        return [from_kafka_record(r.key, r.value, r.headers) for r in records]

    async def forget_view(self) -> None:
        """Drop the adapter's Redis view (a lost or flushed Redis)."""
        async with redis.asyncio.Redis.from_url(self.redis_url) as client:
            keys = [k async for k in client.scan_iter(f"{self.kafka.topic_prefix}intake:zgw:*")]
            if keys:
                await client.delete(*keys)


@pytest.fixture
async def zgw_api() -> AsyncIterator[FakeZgw]:
    async with FakeZgw(CLIENT_ID, SECRET).serving() as api:
        yield api


@pytest.fixture
async def intake(
    zgw_api: FakeZgw, kafka_settings: KafkaSettings, kafka_topics: list[TopicSpec], redis_url: str
) -> AsyncIterator[Intake]:
    settings = Settings(
        kafka=kafka_settings,
        redis=RedisSettings(url=redis_url),
        zgw=ZgwSettings(
            zaken_api_url=zgw_api.zrc,
            besluiten_api_url=zgw_api.brc,
            client_id=CLIENT_ID,
            secret=SecretStr(SECRET),
            callback_authorization=SecretStr(CALLBACK),
            backoff_s=0.05,
            reconcile_interval_s=0,
        ),
    )
    app = FastAPI()
    app.include_router(zgw_router(settings))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
            intake = Intake(http, app.state.zgw, kafka_settings, redis_url)
            yield intake
    await intake.forget_view()


def kinds(events: list[CloudEvent]) -> list[str]:
    return [e.type.removeprefix("nl.helmond.sociaaldomein.") for e in events]


async def test_notifications_become_catalog_events_and_twice_is_the_same_facts(
    zgw_api: FakeZgw, intake: Intake
):
    zaak = zgw_api.add_zaak(T0, identificatie="ZAAK-2026-0000000201")
    answer = await intake.notify(zgw_api.notificatie("zaak", zaak["url"], "create", T0))
    assert answer.status_code == 204, answer.text

    [aangemeld] = await intake.events(expected=1)
    assert aangemeld.type == "nl.helmond.sociaaldomein.zaak.aangemeld"
    assert aangemeld.source == "urn:nld:oin:00000001002220647000:systeem:openzaak"
    assert aangemeld.data.model_dump(mode="json") == {
        "zaak_id": "ZAAK-2026-0000000201",
        "datum": "2026-03-02",
        "wet": "wmo",
        "soort": "melding",
        "wijk": "Brouwhuis",
        "huishouden": None,
        "persoon": None,
        "crisis": False,
    }

    paused_at = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
    zgw_api.change_zaak(
        zaak, paused_at, opschorting={"indicatie": True, "reden": "Wacht op gegevens"}
    )
    besluit = zgw_api.add_besluit(zaak, besluittype=AFWIJZING, datum="2026-04-21")
    later = [
        zgw_api.notificatie("zaak", zaak["url"], "partial_update", paused_at),
        zgw_api.notificatie(
            "besluit", besluit["url"], "create", datetime(2026, 4, 21, 12, tzinfo=UTC)
        ),
    ]
    for body in later:
        assert (await intake.notify(body)).status_code == 204
    events = await intake.events(expected=3)
    assert kinds(events) == ["zaak.aangemeld", "zaak.opgeschort", "zaak.besloten"]
    assert events[1].data.datum.isoformat() == "2026-03-10"  # Helmond's date of 23:30 UTC
    assert (events[2].data.datum.isoformat(), events[2].data.uitkomst) == (
        "2026-04-21",
        "afgewezen",
    )

    # The same notifications again: nothing new is published.
    for body in later:
        assert (await intake.notify(body)).status_code == 204
    await intake.adapter.notifications.drain(10)
    assert len(await intake.events(expected=3)) == 3

    # With the adapter's view lost, they publish again: the same ids, i.e. duplicates.
    await intake.forget_view()
    for body in later:
        assert (await intake.notify(body)).status_code == 204
    again = await intake.events(expected=6)
    assert len(again) == 6
    assert {e.id for e in again} == {e.id for e in events}


async def test_an_early_notification_and_a_busy_api_are_retried(zgw_api: FakeZgw, intake: Intake):
    zaak = zgw_api.add_zaak(T0, identificatie="ZAAK-2026-0000000202")
    path = zaak["url"].removeprefix(zgw_api.origin)
    zgw_api.not_yet[path] = 2  # the notification comes before the zaak can be read
    zgw_api.busy[path + "/audittrail"] = 1
    assert (
        await intake.notify(zgw_api.notificatie("zaak", zaak["url"], "create", T0))
    ).status_code == 204
    [event] = await intake.events(expected=1)
    assert event.subject == "ZAAK-2026-0000000202"
    assert zgw_api.requests.count(path) == 3 and zgw_api.requests.count(path + "/audittrail") == 2


async def test_reconciliation_emits_what_no_notification_told(zgw_api: FakeZgw, intake: Intake):
    known = zgw_api.add_zaak(T0, identificatie="ZAAK-2026-0000000203")
    assert (
        await intake.notify(zgw_api.notificatie("zaak", known["url"], "create", T0))
    ).status_code == 204
    await intake.adapter.notifications.drain(10)
    assert len(await intake.events(expected=1)) == 1
    zgw_api.change_zaak(
        known, datetime(2026, 3, 12, 10, tzinfo=UTC), opschorting={"indicatie": True, "reden": ""}
    )
    unseen = [zgw_api.add_zaak(T0, identificatie=f"ZAAK-2026-000000030{n}") for n in range(3)]
    old = zgw_api.add_zaak(T0, identificatie="ZAAK-2020-0000000001", registratiedatum="2020-01-06")

    now = datetime(2026, 3, 20, 9, tzinfo=UTC)
    report = await reconcile_once(intake.adapter.zaken, now)
    assert (report.listed, report.reread, report.published, report.failed) == (4, 0, 4, 0)
    events = await intake.events(expected=5)
    assert sorted((e.subject, k) for e, k in zip(events, kinds(events), strict=True)) == sorted(
        [("ZAAK-2026-0000000203", "zaak.aangemeld"), ("ZAAK-2026-0000000203", "zaak.opgeschort")]
        + [(z["identificatie"], "zaak.aangemeld") for z in unseen]
    )
    assert old["identificatie"] not in {e.subject for e in events}  # outside the window

    assert (await reconcile_once(intake.adapter.zaken, now)).published == 0
    assert len(await intake.events(expected=5)) == 5

    del zgw_api.zaken[unseen[0]["uuid"]]  # destroyed in the Zaken API
    report = await reconcile_once(intake.adapter.zaken, now)
    assert (report.listed, report.reread, report.published) == (3, 1, 0)
    assert unseen[0]["url"] not in await intake.adapter.zaken.store.open_zaken()


async def test_callbacks_are_checked_before_anything_is_read(zgw_api: FakeZgw, intake: Intake):
    zaak = zgw_api.add_zaak(T0)
    body = zgw_api.notificatie("zaak", zaak["url"], "create", T0)
    assert (await intake.http.post(PATH, json=body)).status_code == 401
    wrong = await intake.http.post(PATH, json=body, headers={"Authorization": "Token wrong"})
    assert wrong.status_code == 403 and wrong.headers["content-type"] == "application/problem+json"
    test_call = {**body, "kanaal": "test", "hoofdObject": "http://some.hoofdobject.nl/"}
    assert (await intake.notify(test_call)).status_code == 204
    other_host = {**body, "hoofdObject": "http://169.254.169.254/zaken/api/v1/zaken/x"}
    refused = await intake.notify(other_host)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "hoofdObject"
    invalid = await intake.notify({**body, "aanmaakdatum": "gisteren"})
    assert invalid.status_code == 422 and invalid.json()["errors"][0]["field"] == "aanmaakdatum"
    assert "gisteren" not in invalid.text
    assert (await intake.http.post(PATH, content=b"{", headers=AUTH)).status_code == 400
    big = await intake.http.post(PATH, content=b" " * 70_000, headers=AUTH)
    assert big.status_code == 413
    await intake.adapter.notifications.drain(10)
    assert zgw_api.requests == []
    assert await intake.events(expected=0, timeout_s=1) == []
