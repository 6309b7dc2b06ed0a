"""The KPI worker's vroegsignalen agent on the real broker and Redis: a demo stream delivered
with redeliveries and out of order gives the reference's figures; a bad record is dead-lettered
and the agent goes on. Records without the ``wijkpuls_geaccepteerd`` stamp date the cells'
``gewijzigd`` by their Kafka timestamp (docs/kpis.md#gewijzigd)."""

from __future__ import annotations

import asyncio
import os
import random
import time
from datetime import date
from pathlib import Path

import pytest
import redis
from fixtures.service_procs import free_port, log_says, run_service
from fixtures.vroegsignaal_kafka_support import as_vroegsignaal_record, produce
from reference.vroegsignalering import bereik_vroegsignalering, vroegsignalen
from test_kpi_worker import dead_letters

from demo.vroegsignaal_output import catalog_events
from demo.vroegsignalen import VroegsignaalOptions, plan_vroegsignalering
from services.reporting.kpis import AVAILABLE
from shared.contract.figure_keys import FigureKeys
from shared.core.kpi.gewijzigd import parse_rfc3339_ms
from shared.platform.settings import KafkaSettings, get_domain_config

pytestmark = pytest.mark.integration

REFERENCES = {"bereik-vroegsignalering": bereik_vroegsignalering, "vroegsignalen": vroegsignalen}
PEILDATA = (date(2025, 2, 10), date(2025, 12, 31))


def published(client: redis.Redis, keys: FigureKeys, peildatum: date) -> dict[str, dict]:
    """The figures the reporting API computes from the Redis cells (before suppression)."""
    figures: dict[str, dict] = {name: {} for name in REFERENCES}
    for raw in client.smembers(keys.cells_index):
        name, wet, wijk, periode = raw.decode().split("|")
        if name not in REFERENCES:
            continue
        fields = {
            k.decode(): v.decode() for k, v in client.hgetall(keys.cell(raw.decode())).items()
        }
        cell = AVAILABLE[name].figures(fields, peildatum)
        if cell[AVAILABLE[name].basis]:
            figures[name][wet, wijk, periode] = cell
    return figures


def test_worker_gives_the_reference_figures_for_a_messy_vroegsignalen_stream(
    kafka_settings: KafkaSettings, kafka_topics, redis_url: str, tmp_path: Path
):
    options = VroegsignaalOptions(start=date(2025, 1, 1), months=2, seed=11)
    events = catalog_events(plan_vroegsignalering(options, get_domain_config()))
    rng = random.Random(5)
    delivered = events + rng.sample(events, len(events) // 20)  # redeliveries
    rng.shuffle(delivered)  # contactpogingen before their signal, corrections before originals
    bad = (b"hh-bad", b"{not json", [("content-type", b"application/cloudevents+json")], None)
    partitions = kafka_settings.vroegsignalen_partitions
    records = [as_vroegsignaal_record(e, partitions) for e in delivered]
    records.insert(10, bad)
    raw = [e.to_dict() for e in events]
    expected = {p: {n: ref(raw, p) for n, ref in REFERENCES.items()} for p in PEILDATA}

    env = {
        **os.environ,
        "WIJKPULS_KAFKA_BOOTSTRAP_SERVERS": kafka_settings.bootstrap_servers,
        "WIJKPULS_KAFKA_TOPIC_PREFIX": kafka_settings.topic_prefix,
        "WIJKPULS_REDIS_URL": redis_url,
        "WIJKPULS_KPI_DATA_DIR": str(tmp_path / "kpi"),
        "WIJKPULS_KPI_WEB_PORT": str(free_port()),
    }
    topic = f"{kafka_settings.topic_prefix}wijkpuls.vroegsignalen"
    client = redis.Redis.from_url(redis_url)
    keys = FigureKeys(kafka_settings.topic_prefix)
    args = ["-m", "services.kpi", "worker", "-l", "info"]
    try:
        with run_service(args, env, tmp_path / "kpi.log", log_says("Worker ready"), timeout_s=90):
            sent_from = int(time.time() * 1000)
            asyncio.run(produce(kafka_settings.bootstrap_servers, topic, records))
            sent_until = int(time.time() * 1000) + 1
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if all(published(client, keys, p) == expected[p] for p in PEILDATA):
                    break
                time.sleep(1)
            for peildatum in PEILDATA:
                assert published(client, keys, peildatum) == expected[peildatum], peildatum
        # every cell of these KPIs is dated, by the Kafka timestamp of a record sent here
        cells = {c.decode() for c in client.smembers(keys.cells_index)}
        ours = {c for c in cells if c.split("|")[0] in REFERENCES}
        changed = {k.decode(): v.decode() for k, v in client.hgetall(keys.gewijzigd).items()}
        assert ours and not ours - set(changed), sorted(ours - set(changed))[:5]
        times = [parse_rfc3339_ms(changed[c]) for c in ours]
        assert sent_from <= min(times) and max(times) <= sent_until, (sent_from, sent_until)
        gemeente = expected[PEILDATA[1]]["bereik-vroegsignalering"][("wgs", "gemeente", "2025")]
        assert gemeente["zaken"] > 400 and gemeente["n_geaccepteerd"] > 20

        letters = asyncio.run(
            dead_letters(
                kafka_settings.bootstrap_servers, f"{kafka_settings.topic_prefix}wijkpuls.dlq"
            )
        )
        assert [(r.key, r.value) for r in letters] == [(b"hh-bad", b"{not json")]
    finally:
        found = client.keys(f"{kafka_settings.topic_prefix}wp:*")
        if found:
            client.delete(*found)
