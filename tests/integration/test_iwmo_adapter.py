"""Provider 305/307 over HTTP -> iWmo adapter -> Kafka, with the real broker and Redis.

The case system's ``zorg.toegewezen`` is written to the events topic the way the intake
writes it; the adapter runs in-process (its router and lifespan in a bare FastAPI app, as
the intake includes it) and is stopped and started again to show that parked lines and
the toewijzing index survive a restart.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from fastapi import FastAPI
from fixtures.iwmo_berichten import PERSONAL, PROVIDER, PROVIDER_AUTH, XSD_DIR, Regel, bericht
from redis.asyncio import Redis

from services.intake.credentials import Client, ClientRegistry
from services.intake.iwmo import iwmo_router
from services.intake.iwmo.toewijzingen import Toewijzing, ToewijzingIndex
from services.intake.ratelimit import RateLimiter
from services.intake.settings import IwmoSettings, Settings
from shared.contract.events import CloudEvent, from_kafka_record, new_event, to_structured_record
from shared.contract.topics import Topic, TopicSpec, topic_name
from shared.platform.settings import KafkaSettings, RedisSettings

pytestmark = pytest.mark.integration

ZAAKSYSTEEM = "urn:nld:oin:00000001002220647000:systeem:zaaksysteem"
XML = {"content-type": "application/xml", **PROVIDER_AUTH}
BERICHTEN = "/api/v1/iwmo/berichten"


@pytest.fixture
def settings(
    kafka_settings: KafkaSettings, kafka_topics: list[TopicSpec], redis_url: str
) -> Settings:
    return Settings(
        kafka=kafka_settings,
        redis=RedisSettings(url=redis_url),
        iwmo=IwmoSettings(xsd_dir=XSD_DIR, retry_interval_s=2.0),
    )


@pytest.fixture
async def index(settings: Settings) -> AsyncIterator[ToewijzingIndex]:
    redis = Redis.from_url(settings.redis.url)
    view = ToewijzingIndex(redis, settings.kafka.topic_prefix)
    yield view
    await view.clear()
    await redis.aclose()


@pytest.fixture
def no_personal_data_logged(caplog: pytest.LogCaptureFixture) -> Any:
    caplog.set_level(logging.INFO)
    yield
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert not any(value in logged for value in PERSONAL)


@asynccontextmanager
async def adapter(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The adapter as the intake mounts it: its router, the intake's clients and rate limit."""
    app = FastAPI()
    app.include_router(iwmo_router(settings))
    app.state.clients = ClientRegistry([Client.from_entry(PROVIDER)])
    redis = Redis.from_url(settings.redis.url)
    app.state.limiter = RateLimiter(redis, f"{settings.kafka.topic_prefix}intake")
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
                yield http
    finally:
        await redis.aclose()


async def toegewezen(settings: Settings, nummer: str, zaak_id: str, **at: Any) -> None:
    """What the gemeente's case system publishes through the intake for a 301."""
    event = new_event(
        "zorg.toegewezen",
        {
            "zaak_id": zaak_id,
            "datum": "2026-04-01",
            "toewijzingnummer": nummer,
            "product": {"categorie": "01", "code": "01A11"},
            "aanbieder": "65656055",
        },
        source=ZAAKSYSTEEM,
        time=datetime(2026, 3, 30, 9, tzinfo=UTC).replace(**at),
    )
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka.bootstrap_servers, acks="all")
    await producer.start()
    try:
        record = to_structured_record(event)
        await producer.send_and_wait(
            topic_name(Topic.EVENTS, settings.kafka),
            record.value,
            record.key,
            headers=list(record.headers),
        )
    finally:
        await producer.stop()


async def read_until(
    settings: Settings,
    topic: Topic,
    done: Callable[[list[ConsumerRecord[bytes, bytes]]], bool],
    timeout_s: float = 30,
) -> list[ConsumerRecord[bytes, bytes]]:
    consumer = AIOKafkaConsumer(
        topic_name(topic, settings.kafka),
        bootstrap_servers=settings.kafka.bootstrap_servers,
        group_id=f"iwmo-test-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while not done(records) and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            records.extend(r for batch in batches.values() for r in batch)
    finally:
        await consumer.stop()
    return records


def events(records: list[ConsumerRecord[bytes, bytes]]) -> list[CloudEvent]:
    return [from_kafka_record(r.key, r.value, list(r.headers)) for r in records]


def zorg(records: list[ConsumerRecord[bytes, bytes]], name: str) -> dict[str, CloudEvent]:
    """The zorg.gestart / zorg.beeindigd events read, by toewijzingnummer."""
    found = [e for e in events(records) if e.type.endswith(name)]
    return {e.data.toewijzingnummer: e for e in found}  # type: ignore[attr-defined]


def assert_no_personal_data(records: list[ConsumerRecord[bytes, bytes]]) -> None:
    for record in records:
        raw = (record.value or b"") + b"".join(v for _, v in record.headers)
        assert not any(value.encode() in raw for value in PERSONAL), record


async def wait_known(index: ToewijzingIndex, nummer: str, timeout_s: float = 20) -> str:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        if found := await index.zaken([nummer]):
            return found[nummer]
        await asyncio.sleep(0.2)
    raise AssertionError(f"the index did not learn {nummer}")


async def test_a_305_for_a_known_toewijzing_lands_as_zorg_gestart_for_its_zaak(
    settings: Settings, index: ToewijzingIndex, no_personal_data_logged: None
) -> None:
    await toegewezen(settings, "300201", "Z-2026-000201")
    message = bericht("WMO305", [Regel("300201", begindatum="2026-04-03")], identificatie="B-1")
    async with adapter(settings) as http:
        assert await wait_known(index, "300201") == "Z-2026-000201"
        answer = await http.post(BERICHTEN, content=message, headers=XML)
        again = await http.post(BERICHTEN, content=message, headers=XML)
    assert answer.status_code == 202, answer.text
    reply = answer.json()
    assert (reply["status"], reply["validatie"], reply["gepubliceerd"]) == ("verwerkt", "xsd", 1)
    assert again.json()["regels"] == reply["regels"]  # a resend is the same event: a duplicate

    records = await read_until(settings, Topic.EVENTS, lambda rs: "300201" in zorg(rs, "gestart"))
    gestart = zorg(records, "gestart")["300201"]
    assert gestart.id == reply["regels"][0]["id"]
    assert gestart.to_dict()["data"] == {
        "zaak_id": "Z-2026-000201",
        "datum": "2026-04-03",
        "toewijzingnummer": "300201",
    }
    assert gestart.source == "urn:nld:agb:65656055:systeem:iwmo"
    assert {r.key for r in records if b"zorg.gestart" in r.value} == {b"Z-2026-000201"}
    assert_no_personal_data(records)


async def test_an_unknown_toewijzing_is_parked_durably_and_published_once_it_is_known(
    settings: Settings, index: ToewijzingIndex, no_personal_data_logged: None
) -> None:
    message = bericht("JW305", [Regel("400301", categorie="55", code="55A11")], identificatie="J-1")
    async with adapter(settings) as http:
        answer = await http.post(BERICHTEN, content=message, headers=XML)
    assert answer.status_code == 202, answer.text
    assert answer.json()["status"] == "geparkeerd"
    event_id = answer.json()["regels"][0]["id"]
    parked = await read_until(settings, Topic.IWMO_PARKED, lambda rs: len(rs) >= 1)
    assert [r.key for r in parked] == [event_id.encode()]
    assert_no_personal_data(parked)

    # The adapter is down while the case system announces the toewijzing; after a restart
    # the parked line (read back from Kafka) finds its zaak.
    await toegewezen(settings, "400301", "Z-2026-000301")
    async with adapter(settings):
        records = await read_until(
            settings, Topic.EVENTS, lambda rs: "400301" in zorg(rs, "gestart")
        )
        released = await read_until(settings, Topic.IWMO_PARKED, lambda rs: len(rs) >= 2)
    gestart = zorg(records, "gestart")["400301"]
    assert (gestart.id, gestart.data.zaak_id) == (event_id, "Z-2026-000301")  # type: ignore[attr-defined]
    assert gestart.source == "urn:nld:agb:65656055:systeem:ijw"
    assert [(r.key, r.value) for r in released][1] == (event_id.encode(), None)  # tombstone
    assert_no_personal_data(records)


async def test_a_307_is_parked_then_becomes_zorg_beeindigd_when_the_toewijzing_arrives(
    settings: Settings, index: ToewijzingIndex, no_personal_data_logged: None
) -> None:
    await toegewezen(settings, "300401", "Z-2026-000401")
    message = bericht(
        "WMO307",
        [
            Regel("300401", einddatum="2026-07-17", reden="31"),
            Regel("300402", einddatum="2026-07-18", reden="38"),
        ],
    )
    async with adapter(settings) as http:
        await wait_known(index, "300401")
        answer = await http.post(BERICHTEN, content=message, headers=XML)
        assert answer.json()["status"] == "deels-geparkeerd"
        await toegewezen(settings, "300402", "Z-2026-000402")  # while the adapter runs
        records = await read_until(
            settings, Topic.EVENTS, lambda rs: len(zorg(rs, "beeindigd")) == 2
        )
    beeindigd = zorg(records, "beeindigd")
    assert {
        n: (e.data.zaak_id, e.data.datum.isoformat(), e.data.reden) for n, e in beeindigd.items()
    } == {  # type: ignore[attr-defined]
        "300401": ("Z-2026-000401", "2026-07-17", "31"),
        "300402": ("Z-2026-000402", "2026-07-18", "38"),
    }
    assert_no_personal_data(records)


async def test_the_index_is_rebuilt_from_the_events_topic_when_redis_loses_it(
    settings: Settings, index: ToewijzingIndex
) -> None:
    await toegewezen(settings, "300501", "Z-2026-000501")
    async with adapter(settings):
        await wait_known(index, "300501")
        await (
            index.clear()
        )  # as after a Redis flush or `python -m services.intake.iwmo rebuild-index`
        assert await index.zaken(["300501"]) == {}
        assert await wait_known(index, "300501") == "Z-2026-000501"
    assert await index.positions()


async def test_a_corrected_toewijzing_keeps_the_latest_whatever_the_order(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    index = ToewijzingIndex(redis, f"test-{uuid.uuid4().hex[:12]}-")
    early = Toewijzing("300601", "Z-OUD", f"{1:020d}|a")
    late = Toewijzing("300601", "Z-NIEUW", f"{2:020d}|b")
    await index.learn([late], {0: 5}, expect_view=False)
    await index.learn([early], {0: 6}, expect_view=True)
    assert await index.zaken(["0300601"]) == {"300601": "Z-NIEUW"}
    assert await index.positions() == {0: 6}
    await index.clear()
    assert await index.learn([early], {0: 1}, expect_view=True) == -1  # the view vanished
    assert await index.zaken(["300601"]) == {}
    await redis.aclose()
