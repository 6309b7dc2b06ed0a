"""python -m benchmarks.load: write N generated stored-form events to a fresh events topic.

The events are what the intake edge would have published: the Helmond demo stream
(``demo``, scaled) or ``--kind open`` (zaak.aangemeld only: open zaken), each passed
through ``accept_at_edge`` and written in structured mode, keyed by zaak, to
``<prefix>wijkpuls.events`` (created with the project's topic specs), in per-partition
batches straight from aiokafka (no HTTP). The Kafka timestamp of a demo event is its ``time``
(the day the intake would have accepted it), so a replay follows the year's days.
A topic can be reused by many worker runs: each run uses its own consumer group.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner

from benchmarks.common import events_topic, kafka_settings, log
from demo import DemoOptions, DemoStream
from shared.contract.events import accept_at_edge, to_structured_record
from shared.core.local_time import AMSTERDAM
from shared.core.pseudonym import Pseudonymiser
from shared.platform.kafka_admin import ensure_topics
from shared.platform.settings import PseudonymSettings, get_domain_config

Record = tuple[bytes, bytes, list[tuple[str, bytes]], int]  # key, value, headers, timestamp ms


def demo_events(
    scale: float, months: int, start: date, today: date, seed: int
) -> Iterator[dict[str, Any]]:
    yield from DemoStream(DemoOptions(start, months, seed, today, scale), get_domain_config())


def open_events(today: date, seed: int) -> Iterator[dict[str, Any]]:
    """zaak.aangemeld of the demo's mix, endlessly, as new zaken of the last three days.

    Recent on purpose: no term is near its warning day, so the worker only stores the zaak.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data
    templates = [
        e
        for e in demo_events(1.0, 12, date(today.year - 1, 1, 1), today, seed)
        if e["type"].endswith(".zaak.aangemeld")
    ]
    n = 0
    while True:
        for template in templates:
            n += 1
            datum = today - timedelta(days=rng.randrange(3))
            at = datetime.combine(datum, datetime.min.time(), AMSTERDAM) + timedelta(hours=9)
            zaak_id = f"OPEN-{n:08d}"
            event = {
                **template,
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "time": at.isoformat(),
                "subject": zaak_id,
                "data": {**template["data"], "zaak_id": zaak_id, "datum": datum.isoformat()},
            }
            yield event


def stored_records(events: Iterator[dict[str, Any]]) -> Iterator[Record]:
    keys = PseudonymSettings()
    pseudonymiser = Pseudonymiser(keys.key, keys.key_version)
    domain = get_domain_config()
    for raw in events:
        event = accept_at_edge(raw, domain, pseudonymiser)
        record = to_structured_record(event)
        timestamp = int(event.time.timestamp() * 1000)
        yield record.key, record.value, list(record.headers), timestamp


async def produce(bootstrap: str, topic: str, records: Iterator[Record], limit: int) -> int:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=True,
        linger_ms=50,
        max_batch_size=1 << 20,
        max_request_size=4 << 20,
    )
    await producer.start()
    partitioner = DefaultPartitioner()
    sent, started, last_report = 0, time.monotonic(), time.monotonic()
    try:
        partitions = sorted(await producer.partitions_for(topic))
        batches = {p: producer.create_batch() for p in partitions}
        pending: list[asyncio.Future[Any]] = []

        async def flush(p: int) -> None:
            batches[p].close()
            pending.append(await producer.send_batch(batches[p], topic, partition=p))
            batches[p] = producer.create_batch()

        for key, value, headers, timestamp in records:
            if sent >= limit:
                break
            p = partitioner(key, partitions, partitions)
            record = {"key": key, "value": value, "timestamp": timestamp, "headers": headers}
            if batches[p].append(**record) is None:
                await flush(p)
                batches[p].append(**record)
            sent += 1
            if len(pending) > 64:
                await asyncio.gather(*pending)
                pending.clear()
            if time.monotonic() - last_report > 5:
                last_report = time.monotonic()
                rate = sent / (last_report - started)
                log(f"loaded {sent:,} events ({rate:,.0f}/s)")
        for p in partitions:
            if batches[p].record_count():
                await flush(p)
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return sent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    add = parser.add_argument
    add("--prefix", required=True, help="topic prefix of the benchmark, e.g. bench1. (fresh)")
    add("--events", type=int, required=True, help="number of events to write (N)")
    add("--kind", choices=["demo", "open"], default="demo",
        help="demo: demo lifecycles; open: zaak.aangemeld only (default demo)")  # fmt: skip
    add("--scale", type=float, default=40.0, help="demo volume factor, 1 = Helmond (default 40)")
    add("--months", type=int, default=12, help="demo months (default 12)")
    add("--start", type=date.fromisoformat, default=date(2025, 11, 1), metavar="YYYY-MM-DD",
        help="first day of the demo (default 2025-11-01)")  # fmt: skip
    add("--today", type=date.fromisoformat, default=date.today() - timedelta(days=1),
        metavar="YYYY-MM-DD", help="demo 'today': nothing later is written (default: yesterday)",
    )  # fmt: skip
    add("--seed", type=int, default=7)
    add("--bootstrap", default=None, help="Kafka bootstrap (default: WIJKPULS_KAFKA_*)")
    args = parser.parse_args(argv)

    kafka = kafka_settings(args.prefix, args.bootstrap)
    ensure_topics(kafka, get_domain_config())
    topic = events_topic(kafka)
    if args.kind == "demo":
        events = demo_events(args.scale, args.months, args.start, args.today, args.seed)
    else:
        events = open_events(args.today, args.seed)
    log(f"writing up to {args.events:,} {args.kind} events to {topic}")
    started = time.monotonic()
    records = stored_records(events)
    sent = asyncio.run(produce(kafka.bootstrap_servers, topic, records, args.events))
    took = time.monotonic() - started
    print(f"loaded {sent:,} events to {topic} in {took:.1f} s ({sent / took:,.0f}/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
