"""python -m benchmarks.raw_rate: how fast a bare aiokafka consumer reads the whole topic.

No group, no deserialisation, no processing: records are only counted. The time runs from
the first record received to the last one (the end offsets read at the start).
"""

from __future__ import annotations

import argparse
import asyncio
import time

from aiokafka import AIOKafkaConsumer

from benchmarks.common import end_offsets, events_topic, kafka_settings, log
from shared.platform.settings import KafkaSettings


async def raw_rate(kafka: KafkaSettings) -> tuple[int, float]:
    """(records read, seconds from the first record to the last)."""
    topic = events_topic(kafka)
    ends = await end_offsets(kafka, topic)
    total = sum(ends.values())
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka.bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    count, first, last_report = 0, None, time.monotonic()
    try:
        while count < total:
            batches = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            for records in batches.values():
                if first is None and records:
                    first = time.monotonic()
                count += len(records)
            if time.monotonic() - last_report > 5:
                last_report = time.monotonic()
                log(f"raw consumer: {count:,}/{total:,}")
        took = time.monotonic() - (first or time.monotonic())
    finally:
        await consumer.stop()
    return count, took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.raw_rate", description=__doc__)
    parser.add_argument("--prefix", required=True, help="topic prefix used by benchmarks.load")
    parser.add_argument("--bootstrap", default=None)
    args = parser.parse_args(argv)
    count, took = asyncio.run(raw_rate(kafka_settings(args.prefix, args.bootstrap)))
    print(f"raw aiokafka consume: {count:,} events in {took:.2f} s = {count / took:,.0f} events/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
