"""A batch's table entries, written to their stores and to their changelogs in one request each.

faust writes a table entry's changelog record with ``send_soon``: one pending message, one
aiokafka ``send`` and its own future per entry. On this host that path costs about 290 µs of
CPU per entry (docs/performance.md, "Fourth round": a bare faust agent on the 20,000-event
topic, one table write per zaak per batch, 2.7 CPU-s without the writes, 7.0 with faust's, 3.0
with this module's). ``ChangelogWriter`` puts each entry into the table's store as faust does
and gathers the changelog records per changelog partition into aiokafka batches, sent with
``send_batch`` and awaited: the batch's state is on the broker before its records are acked.

The records are the ones faust would write: the table's changelog topic, the partition of the
record the entry was made under (the tables are co-partitioned with their source topics), the
key and value serialized by the changelog topic with the table's serializers, no headers, the
time of sending. So faust restores them as its own, on any worker. A RocksDB store is told
the last changelog offset it holds, as faust does after each send, so a restart restores only
what came after it.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any, cast

from aiokafka import AIOKafkaProducer
from aiokafka.producer.message_accumulator import BatchBuilder
from faust.tables.base import Collection
from faust.types import TP, EventT, StoreT

from services.kpi.stream.faust_seam import current_event_restored, make_current
from shared.platform.kafka_io import make_producer
from shared.platform.settings import KafkaSettings

Entry = tuple[MutableMapping[Any, Any], Any, Any, "EventT[Any] | None"]
"""(a faust table, key, value, the faust event it was made under)"""

BATCH_BYTES = 512 * 1024
"""Most bytes in one changelog batch (under the broker's default 1 MiB per batch): a larger
batch of entries goes in several, in order; a single larger entry in one of its own."""


@dataclass
class _Partition:
    """The changelog batches of one changelog partition, in order."""

    table: Collection
    batches: list[BatchBuilder] = field(default_factory=list)

    def append(self, producer: AIOKafkaProducer, key: bytes, value: bytes) -> None:
        if self.batches and self._into(self.batches[-1], key, value):
            return
        batch = producer.create_batch()
        self._into(batch, key, value)  # an empty batch takes any one record (Kafka's rule)
        self.batches.append(batch)

    @staticmethod
    def _into(batch: BatchBuilder, key: bytes, value: bytes) -> bool:
        return batch.append(key=key, value=value, timestamp=None) is not None


class ChangelogWriter:
    """Writes table entries made under faust events: store first, changelog in batches."""

    def __init__(self, kafka: KafkaSettings, client_id: str) -> None:
        self._kafka = kafka
        self._client_id = client_id
        self._producer: AIOKafkaProducer | None = None

    async def _started(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = make_producer(
                self._kafka, self._client_id, linger_ms=0, max_batch_size=BATCH_BYTES
            )
            await producer.start()
            self._producer = producer
        return self._producer

    async def write(self, entries: list[Entry]) -> None:
        """Each value into the table's store under its event's partition, then every
        changelog record on the broker, in the order given."""
        if not entries:
            return
        producer = self._producer or await self._started()
        pending: dict[TP, _Partition] = {}
        with current_event_restored():
            for mapping, key, value, event in entries:
                table = cast(Collection, mapping)
                if event is None:
                    raise TypeError(f"{table.name}[{key!r}] was set outside a stream event")
                make_current(event)  # the store's partition (RocksDB: one database each)
                table.data[key] = value
                topic = table.changelog_topic
                key_bytes, _ = topic.prepare_key(key, table.key_serializer)
                value_bytes, _ = topic.prepare_value(value, table.value_serializer)
                tp = TP(topic.get_topic_name(), event.message.partition)
                target = pending.get(tp)
                if target is None:
                    target = pending[tp] = _Partition(table)
                target.append(producer, key_bytes, value_bytes)
        deliveries = [
            (
                tp,
                target.table,
                batch.record_count(),
                await producer.send_batch(batch, tp.topic, partition=tp.partition),
            )
            for tp, target in pending.items()
            for batch in target.batches
        ]
        for tp, table, records, delivery in deliveries:
            metadata = await delivery
            # What faust does after each changelog send: a RocksDB store remembers the last
            # offset it holds, and a restart restores only the records after it.
            cast(StoreT[Any, Any], table.data).set_persisted_offset(
                tp, metadata.offset + records - 1
            )

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None
