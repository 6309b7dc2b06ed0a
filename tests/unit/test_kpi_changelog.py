"""The changelog writer's batches (services/kpi/stream/changelog.py) without a broker: entries
of one changelog partition go into as few aiokafka batches as their size allows, in order.
The records on a real broker, restored by faust on another worker, are checked by the
scale-out test (a SIGKILLed worker's partitions restored from them by the survivor)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.record.default_records import DefaultRecordBatch

from services.kpi.stream.changelog import _Partition


def _records(batch: Any) -> list[tuple[bytes, bytes]]:
    return [(r.key, r.value) for r in DefaultRecordBatch(bytearray(batch._build()))]


def _split(values: list[bytes], max_batch_size: int) -> list[list[tuple[bytes, bytes]]]:
    async def run() -> list[list[tuple[bytes, bytes]]]:
        producer = AIOKafkaProducer(bootstrap_servers="127.0.0.1:1", max_batch_size=max_batch_size)
        target = _Partition(table=None)  # type: ignore[arg-type]
        try:
            for n, value in enumerate(values):
                target.append(producer, f"zaak-{n}".encode(), value)
            return [_records(b) for b in target.batches]
        finally:
            await producer.stop()  # never started: only closes it

    return asyncio.run(run())


def test_entries_of_a_partition_share_one_batch_while_they_fit() -> None:
    batches = _split([b"x" * 100] * 20, max_batch_size=64 * 1024)
    assert len(batches) == 1
    assert [k for k, _ in batches[0]] == [f"zaak-{n}".encode() for n in range(20)]


def test_a_full_batch_is_continued_in_the_next_in_order() -> None:
    values = [bytes([65 + n % 26]) * 300 for n in range(40)]
    batches = _split(values, max_batch_size=2048)
    assert len(batches) > 1
    flat = [record for batch in batches for record in batch]
    assert flat == [(f"zaak-{n}".encode(), v) for n, v in enumerate(values)]


def test_an_entry_larger_than_a_batch_gets_a_batch_of_its_own() -> None:
    batches = _split([b"a" * 10, b"b" * 5000, b"c" * 10], max_batch_size=1024)
    assert [[v[:1] for _, v in batch] for batch in batches] == [[b"a"], [b"b"], [b"c"]]
