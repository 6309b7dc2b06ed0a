"""Every events record is applied, even when faust skips some: the worker checks offsets itself.

faust-streaming 0.15.3 can commit past records that no agent saw (docs/operations.md, "Known
limits": a fetched batch dropped at a rebalance on a partition without a committed offset,
fetch jumps recorded as gaps; upstream #216, #221, #318, #606). At-least-once alone does not
cover that, so the worker keeps, per events partition, the offset after the last record it
applied (``AppliedOffsets``) and, when a record arrives past it or the group's committed offset
runs ahead of it, reads the missing range straight from the broker (``RangeReader``) and
applies it first. Records below the mark were applied already and are passed over.

The mark lives in a changelog-backed table written from the partition's own records, so it
moves with the partition to whichever worker takes it over, and it is written after the
zaken table and Redis for the same records: a restored mark never claims more than the
restored state holds. It is persisted every ``persist_every`` records (in memory in between);
a mark that lags only makes a takeover apply a few records again, which changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, MutableMapping
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from services.kpi.stream.metrics import records_applied
from shared.platform.kafka_io import make_consumer
from shared.platform.settings import KafkaSettings

log = logging.getLogger("wijkpuls.kpi.gaps")

GAP_TICK = b"gap"
"""Key of a tick that asks the partition's tick agent to apply skipped records up to the
offset in its value (the timer cannot write tables; the tick agent can)."""


@dataclass(frozen=True)
class EventsRecord:
    """One record of the events topic, however it was read (faust message or a range read)."""

    partition: int
    offset: int
    timestamp_s: float | None
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]


class AppliedOffsets:
    """Per partition, the offset after the last record applied (None: nothing applied yet).

    Read and written only inside a stream event of that partition, where faust's table
    reads and changelog writes go to the event's partition.
    """

    def __init__(self, table: MutableMapping[str, Any], persist_every: int = 50) -> None:
        self._table = table
        self._persist_every = persist_every
        self._next: dict[int, int | None] = {}
        self._persisted: dict[int, int] = {}

    def forget(self) -> None:
        """After a rebalance another worker may have moved a partition on: reload the marks."""
        self._next.clear()
        self._persisted.clear()

    def loaded(self, partition: int) -> bool:
        return partition in self._next

    def next_offset(self, partition: int) -> int | None:
        if partition not in self._next:
            stored = self._table.get(str(partition))
            self._next[partition] = None if stored is None else int(stored)
            if stored is not None:
                self._persisted[partition] = int(stored)
        return self._next[partition]

    def cached(self, partition: int) -> int | None:
        return self._next.get(partition)

    def mark(self, partition: int, next_offset: int, *, persist: bool = False) -> None:
        self._next[partition] = next_offset
        last = self._persisted.get(partition)
        if persist or last is None or next_offset - last >= self._persist_every:
            self._table[str(partition)] = next_offset
            self._persisted[partition] = next_offset


class RangeReader:
    """Reads a range of one events partition with a plain consumer (no group, no commits)."""

    def __init__(self, kafka: KafkaSettings, topic: str, timeout_s: float = 60.0) -> None:
        self._kafka = kafka
        self._topic = topic
        self._timeout_ms = int(timeout_s * 1000)
        self._consumer: AIOKafkaConsumer | None = None

    async def _started(self) -> AIOKafkaConsumer:
        if self._consumer is None:
            consumer = make_consumer(self._kafka, group_id=None, enable_auto_commit=False)
            await consumer.start()
            self._consumer = consumer
        return self._consumer

    async def read(
        self, partition: int, start: int | None, end: int
    ) -> AsyncIterator[EventsRecord]:
        """The records from ``start`` (None: the log start) up to, not including, ``end``."""
        consumer = await self._started()
        tp = TopicPartition(self._topic, partition)
        consumer.assign([tp])
        first = (await consumer.beginning_offsets([tp]))[tp]
        position = first if start is None else max(start, first)
        consumer.seek(tp, position)
        count = records_applied(self._topic)  # faust acks none of these: counted here
        while position < end:
            batch = await consumer.getmany(tp, timeout_ms=self._timeout_ms, max_records=500)
            records = batch.get(tp, [])
            if not records:
                raise TimeoutError(f"partition {partition}: no record at offset {position}")
            for record in records:
                if record.offset >= end:
                    return
                position = record.offset + 1
                count()
                yield EventsRecord(
                    partition,
                    record.offset,
                    record.timestamp / 1000 if record.timestamp is not None else None,
                    record.key,
                    record.value,
                    list(record.headers or []),
                )

    async def stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None
