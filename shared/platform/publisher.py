"""Hands accepted events to Kafka and returns only once the broker acknowledged all of them."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.producer.message_accumulator import BatchBuilder

from shared.contract.events import CloudEvent, KafkaRecord, to_structured_record
from shared.contract.events.accepted import accepted_header
from shared.platform.broker_watch import BrokerWatch


class Publisher:
    def __init__(
        self,
        producer: AIOKafkaProducer,
        topic: str,
        timeout_s: float,
        watch: BrokerWatch | None = None,
    ) -> None:
        self._producer = producer
        self._topic = topic
        self._timeout_s = timeout_s
        self._partitioner = DefaultPartitioner()  # the producer's own: make_producer sets none
        self.watch = watch or BrokerWatch(producer, topic)

    async def publish(self, events: Sequence[CloudEvent]) -> None:
        """Send in order (one zaak stays in order in its partition), then await every ack."""
        await self.publish_records([to_structured_record(event) for event in events])

    async def publish_records(self, records: Sequence[KafkaRecord]) -> None:
        """``publish`` for events already made into records (``to_structured_record``).

        The records go into batches per partition, in their order, and each full batch is
        handed to the producer as a whole: one call per batch instead of one ``send`` and its
        future per record. The partition is the one ``send`` would choose (the producer's
        default partitioner on the record key), so a zaak stays in order in its partition.
        Returns once the broker acknowledged every batch (acks=all, idempotent producer).
        Every record gets the ``wijkpuls_geaccepteerd`` header, one moment for the call
        (shared/contract/events/accepted.py): the intake's acceptance time.
        Raises BrokerDown at once, without sending, while the broker is known to be down.
        """
        if not records:
            return
        await self.watch.ensure_writable()
        try:
            await self._publish(records)
        except (KafkaError, TimeoutError, OSError):
            self.watch.mark_down()
            raise

    async def _publish(self, records: Sequence[KafkaRecord]) -> None:
        producer, topic = self._producer, self._topic
        partitions = sorted(await producer.partitions_for(topic))
        stamp = accepted_header()
        batches: dict[int, BatchBuilder] = {}
        pending: list[asyncio.Future[Any]] = []
        for record in records:
            partition = self._partitioner(record.key, partitions, partitions)
            batch = batches.get(partition)
            if batch is None:
                batch = batches[partition] = producer.create_batch()
            headers = [*record.headers, stamp]
            added = batch.append(
                key=record.key, value=record.value, timestamp=None, headers=headers
            )
            if added is not None:
                continue
            # full: send it and start the partition's next batch (an empty one takes any record)
            pending.append(await self._send(batch, partition))
            batch = batches[partition] = producer.create_batch()
            batch.append(key=record.key, value=record.value, timestamp=None, headers=headers)
        for partition, batch in batches.items():
            pending.append(await self._send(batch, partition))
        await asyncio.wait_for(asyncio.gather(*pending), self._timeout_s)

    async def _send(self, batch: BatchBuilder, partition: int) -> asyncio.Future[Any]:
        batch.close()
        future: asyncio.Future[Any] = await self._producer.send_batch(
            batch, self._topic, partition=partition
        )
        return future

    async def ready(self) -> bool:
        """The broker answers now and every partition of the topic has a leader."""
        return await self.watch.writable()
