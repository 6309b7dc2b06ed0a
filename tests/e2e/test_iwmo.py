"""Case system and care provider -> the intake process over HTTP -> Kafka (iWmo/iJw adapter).

The gemeente's case system posts ``zorg.toegewezen`` as a CloudEvent, the provider posts its
305/307 XML; what lands on the events topic is zorg.gestart / zorg.beeindigd for the right
zaak, and no BSN, name or birth date reaches Kafka or the intake's log.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import redis
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from fixtures.iwmo_berichten import PERSONAL, PROVIDER, PROVIDER_AUTH, XSD_DIR, Regel, bericht
from fixtures.service_procs import free_port, http_ok, run_service

from services.intake.credentials import hash_key
from services.intake.settings import IntakeClient
from shared.contract.events import from_kafka_record
from shared.platform.settings import KafkaSettings

pytestmark = pytest.mark.e2e

ZAAKSYSTEEM = "urn:nld:oin:00000001002220647000:systeem:zaaksysteem"
XML = {"content-type": "application/xml", **PROVIDER_AUTH}
CASE_KEY = "test-wmo-zaaksysteem-key-0001"
CASE = IntakeClient(
    name="wmo-zaaksysteem",
    key_sha256=hash_key(CASE_KEY),
    sources=(ZAAKSYSTEEM,),
    types=("zaak.*", "zorg.toegewezen"),
)
CLOUDEVENT = {"content-type": "application/cloudevents+json", "X-API-Key": CASE_KEY}


@pytest.fixture
def intake(service_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The intake process with the iStandaarden XSDs configured; its URL and its log."""
    port = free_port()
    url, log = f"http://127.0.0.1:{port}", tmp_path / "intake.log"
    env = {
        **service_env,
        "WIJKPULS_INTAKE_CLIENTS": json.dumps(
            [c.model_dump(mode="json") for c in (CASE, PROVIDER)]
        ),
        "WIJKPULS_IWMO_XSD_DIR": str(XSD_DIR),
        "WIJKPULS_IWMO_RETRY_INTERVAL_S": "2",
    }
    with run_service(
        ["-m", "services.intake", "--port", str(port)], env, log, http_ok(url + "/ready")
    ):
        yield url, log
    with redis.Redis.from_url(service_env["WIJKPULS_REDIS_URL"]) as store:
        prefix = service_env["WIJKPULS_KAFKA_TOPIC_PREFIX"]
        for key in store.scan_iter(match=f"{prefix}*"):
            store.delete(key)


def toegewezen(nummer: str, zaak_id: str) -> dict[str, object]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": ZAAKSYSTEEM,
        "type": "nl.helmond.sociaaldomein.zorg.toegewezen",
        "time": "2026-03-30T09:00:00+02:00",
        "data": {
            "zaak_id": zaak_id,
            "datum": "2026-04-01",
            "toewijzingnummer": nummer,
            "product": {"categorie": "01", "code": "01A11"},
            "aanbieder": "65656055",
        },
    }


async def read_until(
    bootstrap: str, topic: str, done: Callable[[list[ConsumerRecord[bytes, bytes]]], bool]
) -> list[ConsumerRecord[bytes, bytes]]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"e2e-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    try:
        deadline = asyncio.get_running_loop().time() + 30
        while not done(records) and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            records.extend(r for batch in batches.values() for r in batch)
    finally:
        await consumer.stop()
    return records


def zorg(records: list[ConsumerRecord[bytes, bytes]]) -> dict[tuple[str, str], str]:
    """(type suffix, toewijzingnummer) -> zaak id of the zorg.gestart/beeindigd read."""
    found = {}
    for record in records:
        event = from_kafka_record(record.key, record.value, list(record.headers))
        kind = event.type.rsplit(".", 1)[1]
        if kind in ("gestart", "beeindigd"):
            found[(kind, event.data.toewijzingnummer)] = event.data.zaak_id  # type: ignore[attr-defined]
    return found


async def test_provider_messages_become_zorg_events_for_the_right_zaak_without_the_bsn(
    intake: tuple[str, Path], kafka_settings: KafkaSettings
) -> None:
    url, log = intake
    events_topic = f"{kafka_settings.topic_prefix}wijkpuls.events"
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        case = await http.post(
            "/api/v1/events",
            json=toegewezen("300701", "Z-2026-000701"),
            headers=CLOUDEVENT,
        )
        assert case.status_code == 202, case.text
        start = bericht(
            "WMO305",
            [Regel("300701", begindatum="2026-04-03"), Regel("300702", begindatum="2026-04-06")],
        )
        # The index follows the events topic; until it has read the toewijzing the line
        # parks, and is published from the parking as soon as the index learns it.
        answer = await http.post("/api/v1/iwmo/berichten", content=start, headers=XML)
        assert answer.status_code == 202, answer.text
        assert answer.json()["regels"][1]["status"] == "geparkeerd"  # 300702 is unknown

        late = await http.post(
            "/api/v1/events",
            json=toegewezen("300702", "Z-2026-000702"),
            headers=CLOUDEVENT,
        )
        assert late.status_code == 202, late.text
        stop = bericht(
            "WMO307",
            [Regel("300701", einddatum="2026-07-17", reden="31")],
            identificatie="123456789014",
            dagtekening="2026-07-20",
        )
        stopped = await http.post("/api/v1/iwmo/berichten", content=stop, headers=XML)
        assert stopped.status_code == 202, stopped.text
        invalid = await http.post(
            "/api/v1/iwmo/berichten",
            headers=XML,
            content=bericht("WMO305", [Regel("1")], bsn="99990000X"),
        )
        assert invalid.status_code == 422
        assert invalid.json()["errors"][0]["element"] == "Bericht/Client/Bsn"

    expected = {
        ("gestart", "300701"): "Z-2026-000701",
        ("gestart", "300702"): "Z-2026-000702",
        ("beeindigd", "300701"): "Z-2026-000701",
    }
    records = await read_until(
        kafka_settings.bootstrap_servers,
        events_topic,
        lambda rs: zorg(rs).items() >= expected.items(),
    )
    assert zorg(records).items() >= expected.items()
    parked = await read_until(
        kafka_settings.bootstrap_servers,
        f"{kafka_settings.topic_prefix}wijkpuls.iwmo-parked",
        lambda rs: any(r.value is None for r in rs),
    )
    for record in [*records, *parked]:
        raw = (record.value or b"") + b"".join(v for _, v in record.headers)
        assert not any(value.encode() in raw for value in PERSONAL)
    logged = log.read_text(errors="replace")
    assert "iwmo message accepted" in logged
    assert not any(value in logged for value in PERSONAL)
