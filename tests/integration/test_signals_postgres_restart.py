"""Fault test: the vault's PostgreSQL restarted while a delivery is uploaded over HTTP.

The signals app in-process (its lifespan, a real Kafka producer on the test's own topics),
its vault on a PostgreSQL cluster of this test alone (``private_postgres``, a free port, so the
shared cluster on 5432 stays up), a CSV delivery of 1,000 signals in batches of 50 POSTed to
``/api/v1/deliveries``; once a few batches are stored, ``deploy/local/postgres.sh restart``
(a fast shutdown, then start). What must hold (issue 17 item 3, docs/reliability.md):

- the upload in flight is refused with ``503`` ``vault-unavailable``, ``Retry-After`` and the
  delivery's id (not a bare 500); its report says ``failed`` with the reason once the
  database is back, never ``loaded`` with the counts of a cut load;
- the partner sends the same file again: ``201``, every row accepted or reported as a
  duplicate of the stored ones; in the vault and on the vroegsignalen topic each signal once
  (no row lost, none doubled; the events of the stored rows keep their ids).

The core-level version (no HTTP) is test_vault_postgres.py; about 15 s.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from datetime import date

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import DBAPIError

from services.signals.app import create_app
from services.signals.settings import Settings, SignalsSettings
from services.signals.vault.schema import signals
from shared.contract.topics import Topic, TopicSpec, topic_name
from shared.platform.settings import KafkaSettings
from tests.fixtures.postgres import PostgresCluster
from tests.fixtures.signals_support import read_topics

pytestmark = pytest.mark.integration
TODAY = date(2026, 6, 1)
TEAM = {"X-API-Key": "wijkpuls-development-signals-team-key"}
HEADER = "ID;Signaalpartner;Bedrag;Signaaldatum;Burgerservicenummer;Achternaam;Postcode;Huisnummer"
BSNS = ["123456782", "111222333", "999993653"]
COUNT, BATCH = 1000, 50


def delivery_csv() -> bytes:
    lines = [HEADER]
    for i in range(COUNT):
        day = f"2026-0{1 + i % 5}-{1 + i % 27:02d}"
        lines.append(f"H-{i};Huur;{100 + i};{day};{BSNS[i % 3]};Naam{i % 7};5701AB;{1 + i % 40}")
    return ("\n".join(lines) + "\n").encode()


async def test_upload_refused_whole_while_postgres_restarts_then_sent_again(
    private_postgres: PostgresCluster,
    kafka_settings: KafkaSettings,
    kafka_topics: list[TopicSpec],
    redis_url: str,
) -> None:
    url = private_postgres.url(private_postgres.create_database())
    settings = Settings(
        kafka=kafka_settings, signals=SignalsSettings(database_url=url, batch_size=BATCH)
    )
    watcher = create_engine(url, pool_pre_ping=True)

    def stored() -> int:
        try:
            with watcher.connect() as conn:
                return int(conn.execute(select(func.count()).select_from(signals)).scalar_one())
        except DBAPIError:
            return -1

    files = {"file": ("levering.csv", delivery_csv(), "text/csv")}
    app = create_app(settings, today=lambda: TODAY)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://signals", timeout=120
        ) as http:
            upload = asyncio.create_task(http.post("/api/v1/deliveries", files=files, headers=TEAM))
            deadline = time.monotonic() + 60
            while await asyncio.to_thread(stored) < 4 * BATCH:
                assert time.monotonic() < deadline and not upload.done(), "load did not start"
                await asyncio.sleep(0.05)
            stop_at = time.monotonic()
            await asyncio.to_thread(private_postgres.script, "restart")
            restart_s = time.monotonic() - stop_at
            refused = await upload

            assert refused.status_code == 503, refused.text
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert int(refused.headers["retry-after"]) > 0
            problem = refused.json()
            assert problem["type"].endswith("vault-unavailable")
            assert "send" in problem["detail"] and problem["delivery_id"]
            # Recorded as failed once the database answers again (in the background).
            path = f"/api/v1/deliveries/{problem['delivery_id']}"
            deadline = time.monotonic() + 30
            while (report := await http.get(path, headers=TEAM)).status_code != 200 or (
                report.json()["status"] == "loading"
            ):
                assert report.status_code in (200, 503), report.text
                assert time.monotonic() < deadline, f"still {report.text}"
                await asyncio.sleep(0.2)
            recorded = report.json()
            at_refusal = await asyncio.to_thread(stored)  # nothing writes now; it answers again
            assert (
                recorded["status"] == "failed" and "send the delivery again" in (recorded["error"])
            )
            assert recorded["accepted"] == at_refusal, recorded

            resend_at = time.monotonic()
            again = await http.post("/api/v1/deliveries", files=files, headers=TEAM)
            resend_s = time.monotonic() - resend_at
            recovered_s = time.monotonic() - stop_at
    watcher.dispose()
    assert again.status_code == 201, again.text
    body = again.json()
    assert body["status"] == "loaded"
    assert body["accepted"] + body["duplicates"] == COUNT and body["rejected"] == 0

    check = create_engine(url)
    with check.connect() as conn:
        rows = conn.execute(select(signals.c.signaal_id, signals.c.published)).all()
    check.dispose()
    per_id = Counter(row.signaal_id for row in rows)
    assert len(per_id) == COUNT and max(per_id.values()) == 1  # none lost, none doubled
    assert all(row.published for row in rows)

    partitions = {spec.name: spec.partitions for spec in kafka_topics}
    topics = await read_topics(settings.kafka.bootstrap_servers, partitions)
    vroeg = [json.loads(r.value) for r in topics[topic_name(Topic.VROEGSIGNALEN, kafka_settings)]]
    events = Counter(e["id"] for e in vroeg if e["type"].endswith(".ontvangen"))
    assert len(events) == COUNT  # one event id per signal; a repeat of an id is harmless
    print(
        f"\nPostgreSQL restarted mid-upload over HTTP: {COUNT} signals in batches of {BATCH}; "
        f"{at_refusal} stored when the upload was refused (503 vault-unavailable, "
        f"Retry-After {refused.headers['retry-after']}), restart {restart_s:.1f} s; sent again: "
        f"201, accepted {body['accepted']}, duplicates {body['duplicates']} in {resend_s:.1f} s; "
        f"vault {len(per_id)} signals (lost 0, doubled 0), events {sum(events.values())} for "
        f"{len(events)} ids; {recovered_s:.1f} s from the stop to a complete vault"
    )
