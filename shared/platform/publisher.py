"""Hands accepted events to Kafka and returns only once the broker acknowledged all of them."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer

from shared.contract.events import CloudEvent, to_structured_record


class Publisher:
    def __init__(self, producer: AIOKafkaProducer, topic: str, timeout_s: float) -> None:
        self._producer = producer
        self._topic = topic
        self._timeout_s = timeout_s

    async def publish(self, events: Sequence[CloudEvent]) -> None:
        """Send in order (one zaak stays in order in its partition), then await every ack."""
        pending = []
        for event in events:
            record = to_structured_record(event)
            pending.append(
                await self._producer.send(
                    self._topic, value=record.value, key=record.key, headers=list(record.headers)
                )
            )
        await asyncio.wait_for(asyncio.gather(*pending), self._timeout_s)

    async def ready(self) -> bool:
        partitions = await self._producer.partitions_for(self._topic)
        return bool(partitions)
