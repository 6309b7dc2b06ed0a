"""Case system -> intake over HTTP -> Kafka, read back in the CloudEvents Kafka binding."""

from __future__ import annotations

import itertools
import json
import time
from datetime import date

import httpx
import pytest
from aiokafka.partitioner import DefaultPartitioner
from conftest import INTAKE_AUTH
from intake_helpers import BATCH, SINGLE, TYPE, aangemeld, read_topic

from demo import DemoOptions, DemoStream
from demo.delivery import Quirks
from shared.contract.events.accepted import ACCEPTED_HEADER, accepted_ms
from shared.contract.events.asyncapi import asyncapi_document
from shared.contract.events.binding import from_kafka_record
from shared.contract.events.jsonschemas import json_schemas

pytestmark = pytest.mark.e2e

BSN = "111222333"  # passes the 11-proef


async def test_event_reaches_kafka_pseudonymised_in_structured_mode(
    intake_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    event = aangemeld("Z-E2E-1", client={"bsn": BSN, "postcode": "5701AB", "huisnummer": 12})
    sent_ms = int(time.time() * 1000)
    async with httpx.AsyncClient(base_url=intake_url, headers=INTAKE_AUTH) as http:
        answer = await http.post("/api/v1/events", json=event, headers=SINGLE)
        answered_ms = int(time.time() * 1000)
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
    # the intake's acceptance time (docs/events.md#kafka-binding), between request and answer
    accepted = accepted_ms([(ACCEPTED_HEADER, headers[ACCEPTED_HEADER])], None)
    assert accepted is not None and sent_ms - 5 <= accepted <= answered_ms + 5
    assert BSN.encode() not in record.value and b"5701AB" not in record.value
    stored = json.loads(record.value)
    assert "client" not in stored["data"] and "postcode" not in stored["data"]
    assert stored["data"]["wijk"] == "Binnenstad"
    assert stored["data"]["huishouden"].startswith("hh-")
    parsed = from_kafka_record(record.key, record.value, record.headers)
    assert (parsed.id, parsed.type) == (event["id"], event["type"])


async def test_invalid_events_get_problem_details_naming_the_field(intake_url: str) -> None:
    missing = aangemeld("Z-E2E-2")
    del missing["data"]["datum"]
    unknown = aangemeld("Z-E2E-3", kleur="blauw")
    bad_bsn = aangemeld(
        "Z-E2E-4", client={"bsn": "123456789", "postcode": "5701AB", "huisnummer": 1}
    )
    async with httpx.AsyncClient(base_url=intake_url, headers=INTAKE_AUTH) as http:
        answers = [
            await http.post("/api/v1/events", json=e, headers=SINGLE)
            for e in (missing, unknown, bad_bsn)
        ]
        wrong_type = await http.post(
            "/api/v1/events", content=b"x", headers={"content-type": "text/plain"}
        )
        not_json = await http.post("/api/v1/events", content=b"{oops", headers=SINGLE)
        deep = b"[" * 100_000 + b"]" * 100_000  # once a 500 (RecursionError)
        too_deep = [
            await http.post("/api/v1/events", content=deep, headers=kind)
            for kind in (SINGLE, BATCH)
        ]
        zgw_off = await http.post("/api/v1/zgw/notificaties", json={}, headers=SINGLE)
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
    for answer in too_deep:
        assert answer.status_code == 400 and "nested too deeply" in answer.json()["detail"]
    assert zgw_off.status_code == 404 and zgw_off.json()["type"].endswith("zgw-not-configured")


async def test_a_batch_is_answered_per_event_and_only_the_valid_ones_are_published(
    intake_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    good = [aangemeld(f"Z-E2E-B{i}") for i in range(3)]
    bad = aangemeld("Z-E2E-BX", wet="belastingen", client={"bsn": "123456789"})
    async with httpx.AsyncClient(base_url=intake_url, headers=INTAKE_AUTH) as http:
        partly = await http.post("/api/v1/events", json=[good[0], bad], headers=BATCH)
        refused = await http.post("/api/v1/events", json=[bad, bad], headers=BATCH)
        rest = await http.post("/api/v1/events", json=good, headers=BATCH)
    assert partly.status_code == 207, partly.text
    body = partly.json()
    assert (body["accepted"], body["duplicate"], body["rejected"]) == (1, 0, 1)
    assert body["results"][0] == {
        "index": 0,
        "status": "accepted",
        "id": good[0]["id"],
        "source": good[0]["source"],
        "type": good[0]["type"],
    }
    rejected = body["results"][1]
    assert rejected["status"] == "rejected" and set(rejected) == {"index", "status", "errors"}
    assert {"data.wet", "data.client.bsn"} <= {e["field"] for e in rejected["errors"]}
    assert "123456789" not in partly.text and bad["id"] not in partly.text

    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["rejected"] == 2 and [r["index"] for r in problem["results"]] == [0, 1]
    assert "[1].data.wet" in {e["field"] for e in problem["errors"]}

    assert rest.status_code == 202
    assert [r["status"] for r in rest.json()["results"]] == ["duplicate", "accepted", "accepted"]
    records = await read_topic(kafka_bootstrap, f"{topic_prefix}wijkpuls.events", expected=3)
    assert sorted(r.key for r in records) == [b"Z-E2E-B0", b"Z-E2E-B1", b"Z-E2E-B2"]


async def test_catalog_is_served_from_the_models(intake_url: str) -> None:
    async with httpx.AsyncClient(base_url=intake_url, headers=INTAKE_AUTH) as http:
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
) -> None:
    event = aangemeld("Z-E2E-R")
    altered = {**event, "data": {**event["data"], "datum": "2026-03-03"}}
    async with httpx.AsyncClient(base_url=intake_url, headers=INTAKE_AUTH) as http:
        conflict = await http.post("/api/v1/events", json=[event, altered], headers=BATCH)
        answer = await http.post("/api/v1/events", json=[event, event], headers=BATCH)
        single = await http.post("/api/v1/events", json=altered, headers=SINGLE)
    assert conflict.status_code == 207
    results = conflict.json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected"]
    assert results[1]["errors"] == [
        {
            "field": "id",
            "reason": "this source sent an event with this id and other content",
            "type": "conflicting_duplicate",
        }
    ]
    assert answer.status_code == 202
    assert [r["status"] for r in answer.json()["results"]] == ["duplicate", "duplicate"]
    assert single.status_code == 409
    assert [e["field"] for e in single.json()["errors"]] == ["id"]
    records = await read_topic(kafka_bootstrap, f"{topic_prefix}wijkpuls.events", expected=1)
    assert len(records) == 1


async def test_full_batches_are_published_once_each_in_order_on_the_keys_partition(
    intake_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    # 2 x 500 demo events (client blocks included): several producer batches per partition
    no_retries = Quirks(duplicate_rate=0.0, out_of_order_rate=0.05, correction_rate=0.015)
    options = DemoOptions(date(2025, 11, 1), 3, 5, date(2026, 1, 31), 4.0, no_retries)
    sent = list(itertools.islice(DemoStream(options), 1000))
    assert len({e["id"] for e in sent}) == 1000 and any("client" in e["data"] for e in sent)
    first, second = sent[:500], sent[500:]
    seen, altered = first[7], {**first[9], "data": {**first[9]["data"], "datum": "2026-01-02"}}
    fresh = aangemeld("Z-E2E-MIX")
    async with httpx.AsyncClient(base_url=intake_url, headers=INTAKE_AUTH, timeout=60) as http:
        answers = [
            await http.post("/api/v1/events", json=b, headers=BATCH) for b in (first, second)
        ]
        resent = await http.post("/api/v1/events", json=first, headers=BATCH)
        mixed = await http.post(
            "/api/v1/events", json=[fresh, seen, altered, fresh, altered], headers=BATCH
        )
    for answer in answers:
        assert answer.status_code == 202, answer.text
        assert answer.json()["accepted"] == 500
    assert resent.status_code == 202
    assert {r["status"] for r in resent.json()["results"]} == {"duplicate"}
    assert mixed.status_code == 207
    statuses = [r["status"] for r in mixed.json()["results"]]
    assert statuses == ["accepted", "duplicate", "rejected", "duplicate", "rejected"]

    records = await read_topic(kafka_bootstrap, f"{topic_prefix}wijkpuls.events", expected=1001)
    assert len(records) == 1001, "each event once, the duplicates and conflicts never"
    ids = [json.loads(r.value)["id"] for r in records]
    assert sorted(ids) == sorted([e["id"] for e in sent] + [fresh["id"]])
    partitions = sorted({r.partition for r in records})
    assert len(partitions) > 1
    partitioner = DefaultPartitioner()
    order = {e["id"]: n for n, e in enumerate(sent)}
    by_partition: dict[int, list[int]] = {}
    for record in records:
        assert record.partition == partitioner(record.key, partitions, partitions)
        stored = json.loads(record.value)
        assert record.key == stored["data"]["zaak_id"].encode()
        if stored["id"] in order:
            by_partition.setdefault(record.partition, []).append(order[stored["id"]])
    for offsets in by_partition.values():
        assert offsets == sorted(offsets), "a partition holds its events in the order sent"


async def test_metrics_count_requests_and_events_per_client_and_outcome(intake_url: str) -> None:
    good, bad = aangemeld("Z-E2E-M1"), aangemeld("Z-E2E-M2", wet="belastingen")
    async with httpx.AsyncClient(base_url=intake_url, headers=INTAKE_AUTH) as http:
        assert (
            await http.post("/api/v1/events", json=[good, bad], headers=BATCH)
        ).status_code == 207
        assert (await http.post("/api/v1/events", json=[good], headers=BATCH)).status_code == 202
        metrics = await http.get("/metrics", headers={"Authorization": ""})
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
    lines = set(metrics.text.splitlines())
    for outcome, count in (("accepted", 1), ("rejected", 1), ("duplicate", 1)):
        assert (
            f'wijkpuls_intake_events_total{{client="ontwikkeling",outcome="{outcome}"}} {count}.0'
            in lines
        )
    assert any(
        line.startswith("wijkpuls_intake_http_requests_total{")
        and 'handler="/api/v1/events"' in line
        and 'status="207"' in line
        for line in lines
    ), metrics.text[:2000]
