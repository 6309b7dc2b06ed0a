"""Case system -> intake over HTTP -> Kafka, read back in the CloudEvents Kafka binding."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from shared.events.asyncapi import asyncapi_document
from shared.events.binding import from_kafka_record
from shared.events.jsonschemas import json_schemas

pytestmark = pytest.mark.e2e

SOURCE = "urn:nld:oin:00000001002220647000:systeem:zaaksysteem"
TYPE = "nl.helmond.sociaaldomein."
SINGLE = {"content-type": "application/cloudevents+json"}
BATCH = {"content-type": "application/cloudevents-batch+json"}
BSN = "111222333"  # passes the 11-proef


def aangemeld(zaak_id: str, **data: Any) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": SOURCE,
        "type": TYPE + "zaak.aangemeld",
        "time": "2026-03-02T09:15:00+01:00",
        "subject": zaak_id,
        "datacontenttype": "application/json",
        "data": {
            "zaak_id": zaak_id,
            "wet": "wmo",
            "soort": "melding",
            "datum": "2026-03-02",
            "postcode": "5701AB",
            **data,
        },
    }


async def read_topic(bootstrap: str, topic: str, expected: int, timeout_s: float = 20) -> list:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"e2e-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    records: list = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while len(records) < expected and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for batch in batches.values():
                records.extend(batch)
        # a short extra poll proves nothing more than expected arrived
        extra = await consumer.getmany(timeout_ms=1000)
        records.extend(r for batch in extra.values() for r in batch)
    finally:
        await consumer.stop()
    return records


async def test_event_reaches_kafka_pseudonymised_in_structured_mode(
    intake_url: str, kafka_bootstrap: str, topic_prefix: str
):
    event = aangemeld("Z-E2E-1", client={"bsn": BSN, "postcode": "5701AB", "huisnummer": 12})
    async with httpx.AsyncClient(base_url=intake_url) as http:
        answer = await http.post("/api/v1/events", json=event, headers=SINGLE)
        again = await http.post("/api/v1/events", json=event, headers=SINGLE)
    assert answer.status_code == 202, answer.text
    assert answer.json()["status"] == "accepted"
    assert again.json()["status"] == "duplicate"

    records = await read_topic(kafka_bootstrap, f"{topic_prefix}wijkpuls.events", expected=1)
    assert len(records) == 1, "the duplicate must not be published again"
    record = records[0]
    assert record.key == b"Z-E2E-1"
    headers = dict(record.headers)
    assert headers["content-type"].startswith(b"application/cloudevents+json")
    assert BSN.encode() not in record.value and b"5701AB" not in record.value
    stored = json.loads(record.value)
    assert "client" not in stored["data"] and "postcode" not in stored["data"]
    assert stored["data"]["wijk"] == "Binnenstad"
    assert stored["data"]["huishouden"].startswith("hh-")
    parsed = from_kafka_record(record.key, record.value, record.headers)
    assert (parsed.id, parsed.type) == (event["id"], event["type"])


async def test_invalid_events_get_problem_details_naming_the_field(intake_url: str):
    missing = aangemeld("Z-E2E-2")
    del missing["data"]["datum"]
    unknown = aangemeld("Z-E2E-3", kleur="blauw")
    bad_bsn = aangemeld(
        "Z-E2E-4", client={"bsn": "123456789", "postcode": "5701AB", "huisnummer": 1}
    )
    async with httpx.AsyncClient(base_url=intake_url) as http:
        answers = [
            await http.post("/api/v1/events", json=e, headers=SINGLE)
            for e in (missing, unknown, bad_bsn)
        ]
        wrong_type = await http.post(
            "/api/v1/events", content=b"x", headers={"content-type": "text/plain"}
        )
        not_json = await http.post("/api/v1/events", content=b"{oops", headers=SINGLE)
    fields = []
    for answer in answers:
        assert answer.status_code == 422
        assert answer.headers["content-type"] == "application/problem+json"
        problem = answer.json()
        assert problem["status"] == 422 and problem["title"]
        fields.append({e["field"] for e in problem["errors"]})
    assert "data.datum" in fields[0]
    assert "data.kleur" in fields[1]
    assert "data.client.bsn" in fields[2]
    assert "123456789" not in answers[2].text, "an error must never echo a personal value"
    assert wrong_type.status_code == 415
    assert not_json.status_code == 400


async def test_batch_is_published_whole_or_not_at_all(
    intake_url: str, kafka_bootstrap: str, topic_prefix: str
):
    good = [aangemeld(f"Z-E2E-B{i}") for i in range(3)]
    bad = [*good[:1], aangemeld("Z-E2E-BX", wet="belastingen")]
    async with httpx.AsyncClient(base_url=intake_url) as http:
        refused = await http.post("/api/v1/events", json=bad, headers=BATCH)
        accepted = await http.post("/api/v1/events", json=good, headers=BATCH)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["[1].data.wet"]
    assert accepted.status_code == 202
    assert accepted.json()["accepted"] == 3
    records = await read_topic(kafka_bootstrap, f"{topic_prefix}wijkpuls.events", expected=3)
    assert sorted(r.key for r in records) == [b"Z-E2E-B0", b"Z-E2E-B1", b"Z-E2E-B2"]


async def test_catalog_is_served_from_the_models(intake_url: str):
    async with httpx.AsyncClient(base_url=intake_url) as http:
        types = (await http.get("/api/v1/catalog")).json()
        schema = (await http.get(f"/api/v1/catalog/schemas/{TYPE}zaak.aangemeld")).json()
        stored = (
            await http.get(f"/api/v1/catalog/schemas/{TYPE}zaak.aangemeld?form=stored")
        ).json()
        asyncapi = (await http.get("/api/v1/catalog/asyncapi")).json()
        openapi = (await http.get("/openapi.json")).json()
        health = await http.get("/health")
    assert types["intake"] == sorted(json_schemas("intake"))
    assert types["stored"] == sorted(json_schemas("stored"))
    assert schema == json_schemas("intake")[TYPE + "zaak.aangemeld"]
    assert stored == json_schemas("stored")[TYPE + "zaak.aangemeld"]
    assert "client" in schema["properties"]["data"]["properties"]
    assert "client" not in stored["properties"]["data"]["properties"]
    assert asyncapi == asyncapi_document()
    assert "/api/v1/events" in openapi["paths"]
    assert health.json() == {"status": "ok"}


async def test_a_repeat_within_one_batch_is_published_once(
    intake_url: str, kafka_bootstrap: str, topic_prefix: str
):
    event = aangemeld("Z-E2E-R")
    altered = {**event, "data": {**event["data"], "datum": "2026-03-03"}}
    async with httpx.AsyncClient(base_url=intake_url) as http:
        conflict = await http.post("/api/v1/events", json=[event, altered], headers=BATCH)
        answer = await http.post("/api/v1/events", json=[event, event], headers=BATCH)
    assert conflict.status_code == 409
    assert [e["field"] for e in conflict.json()["errors"]] == ["[1].id"]
    assert answer.status_code == 202
    assert [r["status"] for r in answer.json()["results"]] == ["accepted", "duplicate"]
    records = await read_topic(kafka_bootstrap, f"{topic_prefix}wijkpuls.events", expected=1)
    assert len(records) == 1
