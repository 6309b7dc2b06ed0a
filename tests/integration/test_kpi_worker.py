"""The faust KPI worker on the real broker and Redis: figures, duplicates, order, dead letters,
and what its web port says about it (GET /health, /ready, /metrics; services/kpi/probes.py)."""

from __future__ import annotations

import asyncio
import os
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from fixtures.monitoring_rules import expressions, served_names, unserved
from fixtures.service_procs import free_port, log_says, run_service
from fixtures.worker_metrics import get, samples, scrape

from shared.contract.dead_letter import REASON
from shared.contract.events import new_event, to_structured_record
from shared.contract.events.accepted import accepted_header
from shared.contract.figure_keys import FigureKeys
from shared.platform.settings import KafkaSettings

pytestmark = pytest.mark.integration

SOURCE = "urn:nld:oin:00000001002220647000:systeem:wmo-zaaksysteem"
T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)


def zaak_events(prefix: str, wijk: str) -> list:
    """Worked examples (wmo, term 8 weeks = 56 days, Atw shift last)."""
    made: list = []

    def ev(kind: str, zaak: str, datum: str, at: datetime | None = None, **data):
        at = at or T0 + timedelta(days=len(made))
        made.append(
            new_event(
                kind, {"zaak_id": f"{prefix}{zaak}", "datum": datum, **data}, source=SOURCE, time=at
            )
        )

    aangemeld = {"wet": "wmo", "soort": "melding", "wijk": wijk}
    # 1: 5 jan -> due 2 mar (Mon); besluit 20 feb: 46 days, on time, counted in February.
    ev("zaak.aangemeld", "1", "2026-01-05", **aangemeld)
    ev("zaak.besloten", "1", "2026-02-20", uitkomst="toegekend")
    # 2: opgeschort 19 jan .. hervat 2 feb (14 days, before the due date): due 16 mar;
    #    besluit 10 mar: 64 - 14 = 50 days, on time.
    ev("zaak.aangemeld", "2", "2026-01-05", **aangemeld)
    ev("zaak.opgeschort", "2", "2026-01-19")
    ev("zaak.hervat", "2", "2026-02-02")
    ev("zaak.besloten", "2", "2026-03-10", uitkomst="afgewezen")
    # 3: besluit 5 mar, three days after the due date of 2 mar: 59 days, late.
    ev("zaak.aangemeld", "3", "2026-01-05", **aangemeld)
    ev("zaak.besloten", "3", "2026-03-05", uitkomst="toegekend")
    # 4: a besluit of 27 feb corrected (later time) to 12 mar: due 9 mar, 59 days, late.
    ev("zaak.aangemeld", "4", "2026-01-12", **aangemeld)
    ev("zaak.besloten", "4", "2026-02-27", at=T0 + timedelta(days=60), uitkomst="toegekend")
    ev("zaak.besloten", "4", "2026-03-12", at=T0 + timedelta(days=70), uitkomst="toegekend")
    # 5: withdrawn: no decision was needed, left out of doorlooptijd.
    ev("zaak.aangemeld", "5", "2026-01-12", **aangemeld)
    ev("zaak.besloten", "5", "2026-01-30", uitkomst="ingetrokken")
    return made


def expected_cells(wijk: str) -> dict[str, dict[str, str]]:
    """Each besluit's counters dated by its (current) datum: 4 counts from 12 March only."""
    feb = {"n@20260220": "1", "tijdig@20260220": "1", "d46@20260220": "1"}
    mar = {
        "n@20260305": "1",  # 3: late
        "d59@20260305": "1",
        "n@20260310": "1",  # 2: on time
        "tijdig@20260310": "1",
        "d50@20260310": "1",
        "n@20260312": "1",  # 4: corrected from 27 February, late
        "d59@20260312": "1",
    }
    whole = {**feb, **mar}
    return {
        f"doorlooptijd|wmo|{wijk}|{p}": cell
        for p, cell in (("2026-02", feb), ("2026-03", mar), ("2026-H1", whole), ("2026", whole))
    }


async def produce(bootstrap: str, topic: str, records: list[tuple]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for key, value, headers in records:
            await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    finally:
        await producer.stop()


def as_record(event) -> tuple:
    record = to_structured_record(event)
    return record.key, record.value, list(record.headers)


def read_cells(client: redis.Redis, keys: FigureKeys, wijk: str) -> dict[str, dict[str, str]]:
    found = {}
    for cell in expected_cells(wijk):
        fields = client.hgetall(keys.cell(cell))
        if fields:
            found[cell] = {k.decode(): v.decode() for k, v in fields.items()}
    return found


async def dead_letters(bootstrap: str, topic: str, timeout_s: float = 30) -> list:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        group_id=None,
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=int(timeout_s * 1000), max_records=10)
        return [r for batch in batches.values() for r in batch]
    finally:
        await consumer.stop()


def view_cells(client: redis.Redis, keys: FigureKeys) -> dict[str, dict[bytes, bytes]]:
    return {
        m.decode(): client.hgetall(keys.cell(m.decode())) for m in client.smembers(keys.cells_index)
    }


def moved_exactly_the_changed_cells(
    kafka: KafkaSettings, client: redis.Redis, keys: FigureKeys, topic: str
) -> None:
    """docs/kpis.md#gewijzigd: the records above carry no acceptance header, so every cell is
    dated by a record's Kafka timestamp; then one stamped correction (zaak A-1's besluit moves
    from 20 February to 3 March) moves the gewijzigd of exactly the cells whose counters it
    changed, to its stamp, and leaves every other cell's."""
    cells, times = view_cells(client, keys), client.hgetall(keys.gewijzigd)
    assert cells and {c.encode() for c in cells} <= set(times)
    started = datetime.now(UTC) - timedelta(minutes=5)
    assert all(v.decode() >= started.isoformat()[:10] for v in times.values())
    name, stamp = accepted_header()
    correction = as_record(
        new_event(
            "zaak.besloten",
            {"zaak_id": "A-1", "datum": "2026-03-03", "uitkomst": "toegekend"},
            source=SOURCE,
            time=T0 + timedelta(days=90),
        )
    )
    record = (correction[0], correction[1], [*correction[2], (name, stamp)])
    asyncio.run(produce(kafka.bootstrap_servers, topic, [record]))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and stamp not in client.hgetall(keys.gewijzigd).values():
        time.sleep(0.3)
    time.sleep(0.5)  # the zaak's cells change in one script: read after it, not during
    after_cells, after_times = view_cells(client, keys), client.hgetall(keys.gewijzigd)
    changed = {c for c in set(cells) | set(after_cells) if cells.get(c) != after_cells.get(c)}
    moved = {k.decode() for k, v in after_times.items() if times.get(k) != v}
    assert "doorlooptijd|wmo|Binnenstad|2026-02" in changed  # left February
    assert "doorlooptijd|wmo|gemeente|2026-03" in changed  # entered March
    assert moved == changed
    assert {after_times[c.encode()] for c in moved} == {stamp}


def test_worker_computes_doorlooptijd_whatever_the_arrival_order(
    kafka_settings: KafkaSettings, kafka_topics, redis_url: str, tmp_path: Path
):
    in_order = [as_record(e) for e in zaak_events("A-", "Binnenstad")]
    shuffled = [as_record(e) for e in zaak_events("B-", "Helmond-West")]
    shuffled += random.Random(4).sample(shuffled, 5)  # redeliveries
    random.Random(7).shuffle(shuffled)  # besloten before aangemeld, correction before original
    bad = (b"Z-bad", b"{not json", [("content-type", b"application/cloudevents+json")])
    records = [*in_order[:5], bad, *in_order[5:], *shuffled]

    env = {
        **os.environ,
        "WIJKPULS_KAFKA_BOOTSTRAP_SERVERS": kafka_settings.bootstrap_servers,
        "WIJKPULS_KAFKA_TOPIC_PREFIX": kafka_settings.topic_prefix,
        "WIJKPULS_REDIS_URL": redis_url,
        "WIJKPULS_KPI_DATA_DIR": str(tmp_path / "kpi"),
        "WIJKPULS_KPI_WEB_PORT": str(free_port()),
    }
    topic = f"{kafka_settings.topic_prefix}wijkpuls.events"
    client = redis.Redis.from_url(redis_url)
    keys = FigureKeys(kafka_settings.topic_prefix)
    args = ["-m", "services.kpi", "worker", "-l", "info"]
    with run_service(args, env, tmp_path / "kpi.log", log_says("Worker ready"), timeout_s=90):
        asyncio.run(produce(kafka_settings.bootstrap_servers, topic, records))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            a, b = read_cells(client, keys, "Binnenstad"), read_cells(client, keys, "Helmond-West")
            if a == expected_cells("Binnenstad") and b == expected_cells("Helmond-West"):
                break
            time.sleep(0.5)
        assert a == expected_cells("Binnenstad")
        assert b == expected_cells("Helmond-West")
        gemeente = client.hgetall(keys.cell("doorlooptijd|wmo|gemeente|2026"))
        whole = expected_cells("gemeente")["doorlooptijd|wmo|gemeente|2026"]
        assert gemeente == {k.encode(): b"2" for k in whole}  # both wijken
        check_probes(f"http://127.0.0.1:{env['WIJKPULS_KPI_WEB_PORT']}", topic, len(records))
        moved_exactly_the_changed_cells(kafka_settings, client, keys, topic)

    letters = asyncio.run(
        dead_letters(kafka_settings.bootstrap_servers, f"{kafka_settings.topic_prefix}wijkpuls.dlq")
    )
    assert [(r.key, r.value) for r in letters] == [(b"Z-bad", b"{not json")]
    reason = dict(letters[0].headers)[REASON].decode()
    assert "not" in reason and "JSON" in reason.upper()
    client.delete(*client.keys(f"{kafka_settings.topic_prefix}wp:*"))


def check_probes(web: str, topic: str, produced: int) -> None:
    """The running worker's own account of the same run: healthy, ready, every events partition
    with a lag that reaches 0, every record counted, the bad one as a dead letter; and every
    worker metric the alert rules and the dashboard name is one it serves."""
    assert get(f"{web}/health") == (200, {"status": "ok"})
    deadline = time.monotonic() + 15
    while True:
        families = scrape(web)
        lag = samples(families, "wijkpuls_kpi_consumer_lag", topic=topic)
        status, ready = get(f"{web}/ready")
        if (status == 200 and set(lag.values()) == {0}) or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert sorted(lag) == [(str(p),) for p in range(6)], lag  # every events partition held
    assert set(lag.values()) == {0}, lag
    assert (status, ready["checks"]) == (200, {"member": True, "redis": True, "view": True})
    assert sorted(ready["partitions"][topic]) == list(range(6)) and ready["view_incomplete"] == {}
    assert set(samples(families, "wijkpuls_kpi_stream_stalled").values()) == {0}
    applied = samples(families, "wijkpuls_kpi_records_applied_total", topic=topic)
    assert applied[()] >= produced, applied  # at least once
    letters = samples(families, "wijkpuls_kpi_dead_letters_total", topic=topic)
    assert letters == {("invalid-record",): 1.0}, letters  # the one that is not JSON
    batches = samples(families, "wijkpuls_kpi_batch_duration_seconds_count")
    assert batches[("process_events",)] >= 1, batches
    assert samples(families, "wijkpuls_kpi_view_incomplete_partitions") == {
        ("events",): 0.0,
        ("vroegsignalen",): 0.0,
    }
    rebuilt = samples(families, "wijkpuls_kpi_view_rebuilds_total", outcome="written")
    assert set(rebuilt) == {("events",), ("vroegsignalen",)}, rebuilt  # the new, empty store
    known = served_names(families, {})
    for where, expr in expressions():
        missing = unserved(expr, known, "wijkpuls_kpi_")
        assert not missing, f"{where}: {missing}"
