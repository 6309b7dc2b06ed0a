"""The intake's edge as a case system meets it: keys, allow-lists, size limits, rate limit."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from conftest import INTAKE_AUTH, INTAKE_KEY, WMO_KEY
from intake_helpers import BATCH, SINGLE, SOURCE, WMO_SOURCE, aangemeld, gestart, read_topic

from services.intake.credentials import hash_key
from services.intake.settings import development_intake_clients

pytestmark = pytest.mark.e2e

WMO_AUTH = {"Authorization": f"Bearer {WMO_KEY}"}
SLOW_KEY = "e2e-slow-client-key-0123456789"


async def test_no_key_or_an_unknown_one_is_401_and_either_header_carries_it(intake_url: str):
    event = aangemeld("Z-E2E-A1")
    async with httpx.AsyncClient(base_url=intake_url) as http:
        missing = await http.post("/api/v1/events", json=event, headers=SINGLE)
        unknown = await http.post(
            "/api/v1/events", json=event, headers={**SINGLE, "Authorization": "Bearer guess"}
        )
        by_header = await http.post(
            "/api/v1/events", json=event, headers={**SINGLE, "X-API-Key": INTAKE_KEY}
        )
        ready = await http.get("/ready")
    for refused in (missing, unknown):
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.headers["www-authenticate"].startswith('Bearer realm="wijkpuls-intake"')
    assert 'error="invalid_token"' in unknown.headers["www-authenticate"]
    assert by_header.status_code == 202 and by_header.json()["status"] == "accepted"
    assert ready.status_code == 200, "health and readiness need no key"
    assert ready.json()["checks"] == {"redis": True, "kafka": True, "iwmo-adapter": True}


async def test_events_outside_the_allow_list_are_403_and_in_a_batch_only_they_are_rejected(
    intake_url: str, kafka_bootstrap: str, topic_prefix: str
):
    mine = aangemeld("Z-E2E-W1", source=WMO_SOURCE)
    other_source = aangemeld("Z-E2E-W2", source=SOURCE)
    other_type = gestart("Z-E2E-W1", source=WMO_SOURCE)  # the client may send zaak.* only
    invalid = aangemeld("Z-E2E-W3", source=WMO_SOURCE, wet="belastingen")
    async with httpx.AsyncClient(base_url=intake_url, headers=WMO_AUTH) as http:
        source_refused = await http.post("/api/v1/events", json=other_source, headers=SINGLE)
        type_refused = await http.post("/api/v1/events", json=other_type, headers=SINGLE)
        batch = [other_source, mine, other_type, invalid]
        partly = await http.post("/api/v1/events", json=batch, headers=BATCH)
    assert source_refused.status_code == 403
    assert source_refused.json()["errors"] == [
        {"field": "source", "reason": "is not a source this client may send",
         "type": "source_not_allowed"}
    ]  # fmt: skip
    assert type_refused.status_code == 403
    assert [e["type"] for e in type_refused.json()["errors"]] == ["type_not_allowed"]

    assert partly.status_code == 207, partly.text
    body = partly.json()
    statuses = [r["status"] for r in body["results"]]
    assert statuses == ["rejected", "accepted", "rejected", "rejected"]
    reasons = [[e["type"] for e in r.get("errors", [])] for r in body["results"]]
    assert reasons[0] == ["source_not_allowed"] and reasons[2] == ["type_not_allowed"]
    assert "type_not_allowed" not in reasons[3] and reasons[3]
    records = await read_topic(kafka_bootstrap, f"{topic_prefix}wijkpuls.events", expected=1)
    assert [json.loads(r.value)["id"] for r in records] == [mine["id"]]


async def test_oversized_bodies_and_batches_are_413_before_anything_is_parsed(
    start_intake: Callable[..., str],
):
    url = start_intake(WIJKPULS_INTAKE_MAX_BODY_BYTES="2048", WIJKPULS_INTAKE_MAX_BATCH_SIZE="3")
    four = [aangemeld(f"Z-E2E-L{i}") for i in range(4)]

    async def chunked():  # no Content-Length: the bytes are counted as they come
        yield b"[" + b" " * 4000
        yield b"]"

    async with httpx.AsyncClient(base_url=url, headers=INTAKE_AUTH) as http:
        declared = await http.post("/api/v1/events", content=b"x" * 3000, headers=BATCH)
        streamed = await http.post("/api/v1/events", content=chunked(), headers=BATCH)
        too_many = await http.post("/api/v1/events", json=four, headers=BATCH)
        fits = await http.post("/api/v1/events", json=four[:3], headers=BATCH)
    assert len(json.dumps(four)) < 2048
    for refused in (declared, streamed):
        assert refused.status_code == 413, refused.text  # not 400: the JSON was never read
        assert refused.json()["type"].endswith("/request-too-large")
        assert refused.json()["max_bytes"] == 2048
    assert too_many.status_code == 413
    assert too_many.json()["type"].endswith("/batch-too-large")
    assert too_many.json()["max_events"] == 3
    assert fits.status_code == 202, fits.text


async def test_a_client_over_its_rate_gets_429_with_retry_after_and_others_do_not(
    start_intake: Callable[..., str],
):
    slow = {
        "name": "e2e-traag",
        "key_sha256": hash_key(SLOW_KEY),
        "sources": [SOURCE],
        "types": ["zaak.*"],
        "rate_per_s": 0.2,
        "burst": 2,
    }
    clients = [c.model_dump(mode="json") for c in development_intake_clients()] + [slow]
    url = start_intake(WIJKPULS_INTAKE_CLIENTS=json.dumps(clients))
    slow_auth = {"Authorization": f"Bearer {SLOW_KEY}"}
    async with httpx.AsyncClient(base_url=url) as http:
        two = [aangemeld("Z-E2E-T1"), aangemeld("Z-E2E-T2")]
        first = await http.post("/api/v1/events", json=two, headers={**BATCH, **slow_auth})
        over = await http.post(
            "/api/v1/events", json=aangemeld("Z-E2E-T3"), headers={**SINGLE, **slow_auth}
        )
        beyond_burst = await http.post(
            "/api/v1/events", json=[aangemeld(f"Z-E2E-T{i}") for i in range(3)],
            headers={**BATCH, **slow_auth},
        )  # fmt: skip
        others = await http.post(
            "/api/v1/events", json=aangemeld("Z-E2E-T4"), headers={**SINGLE, **INTAKE_AUTH}
        )
    assert first.status_code == 202, first.text
    assert over.status_code == 429
    assert over.headers["content-type"] == "application/problem+json"
    assert 1 <= int(over.headers["retry-after"]) <= 5  # one token at 0.2 per second
    assert beyond_burst.status_code == 413, "more events than the burst could never pass"
    assert others.status_code == 202, "the limit is per client"
