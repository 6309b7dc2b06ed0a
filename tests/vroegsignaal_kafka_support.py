"""The vroegsignalen topic in tests: records in its layout, reading it back, the worker's lag."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from kafka.admin import OffsetSpec
from kafka.structs import TopicPartition as KafkaPartition

from services.kpi.reset import group_id
from services.signals.publisher import event_address
from shared.contract.events import CloudEvent, to_structured_record
from shared.contract.vroegsignaal_records import household_partition
from shared.platform.kafka_admin import admin_client
from shared.platform.settings import KafkaSettings, KpiSettings

Record = tuple[bytes | None, bytes | None, list[tuple[str, bytes]], int | None]


def as_vroegsignaal_record(event: CloudEvent, partitions: int) -> Record:
    """As the signals service writes it: per-record key, the household's partition."""
    record, address = to_structured_record(event), event_address(event)
    partition = household_partition(address.huishouden, range(partitions))
    return address.key.encode(), record.value, list(record.headers), partition


async def produce(bootstrap: str, topic: str, records: Iterable[Record]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for key, value, headers, partition in records:
            await producer.send_and_wait(
                topic, value=value, key=key, headers=headers, partition=partition
            )
    finally:
        await producer.stop()


async def read_topic(bootstrap: str, topic: str) -> list[Any]:
    """Every record a consumer reading from the start sees now, in partition order."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        for _ in range(100):  # the subscription is assigned shortly after the start
            if consumer.assignment():
                break
            await asyncio.sleep(0.1)
        ends = await consumer.end_offsets(sorted(consumer.assignment()))
        records: list[Any] = []
        while await _behind(consumer, ends):
            batches = await consumer.getmany(timeout_ms=1000)
            records += [r for batch in batches.values() for r in batch]
        return records
    finally:
        await consumer.stop()


async def _behind(consumer: AIOKafkaConsumer, ends: dict[Any, int]) -> bool:
    for partition, end in ends.items():
        if await consumer.position(partition) < end:
            return True
    return False


def latest_by_key(records: Iterable[Any]) -> dict[bytes, bytes | None]:
    """What compaction leaves: each key's last value (None: tombstoned)."""
    return {r.key: r.value for r in records}


def kpi_lag(kafka: KafkaSettings, topic: str) -> int:
    """Records of ``topic`` the KPI workers' group has not committed yet."""
    group = group_id(kafka, KpiSettings())
    with admin_client(kafka) as admin:
        [described] = admin.describe_topics([topic])
        parts = [KafkaPartition(topic, p["partition_index"]) for p in described["partitions"]]
        ends = admin.list_partition_offsets(dict.fromkeys(parts, OffsetSpec.LATEST))
        committed = admin.list_group_offsets(group).get(group, {})
    return sum(
        max(0, ends[tp].offset - (committed[tp].offset if tp in committed else 0)) for tp in parts
    )


def settle(check: Callable[[], Any], lag: Callable[[], int], timeout_s: float) -> Any:
    """Wait until the lag is 0 and ``check()`` gives the same answer twice, 2 s apart."""
    deadline = time.monotonic() + timeout_s
    last: Any = None
    while time.monotonic() < deadline:
        if lag() == 0:
            now = check()
            if now == last:
                return now
            last = now
        else:
            last = None
        time.sleep(2.0)
    raise AssertionError(f"not settled in {timeout_s:.0f} s (lag {lag()})")
