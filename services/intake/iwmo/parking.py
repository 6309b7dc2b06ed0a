"""Product lines whose toewijzing is not known yet wait, durably, on the parked topic.

The parked topic is compacted and keyed by the line's event id: a parked line is a record
holding the ``PendingFact`` (no BSN, no name: only what the event will carry), and a line
that was published gets a tombstone. What waits is therefore exactly the topic's records
without a tombstone, which every intake rebuilds by reading the topic from the beginning.

A line is released only after the events topic acknowledged its event, so a crash in
between publishes it again: the same id, a duplicate that consumers drop, never a loss.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError
from redis.exceptions import RedisError

from services.intake.iwmo.mapping import PendingFact
from services.intake.iwmo.toewijzingen import ToewijzingIndex
from shared.platform.publisher import Publisher

log = logging.getLogger("wijkpuls.intake.iwmo")


class ParkingLot:
    def __init__(self, producer: AIOKafkaProducer, topic: str, timeout_s: float) -> None:
        self._producer = producer
        self.topic = topic
        self._timeout_s = timeout_s
        self.pending: dict[str, PendingFact] = {}  # as read back from the topic

    async def park(self, facts: Sequence[PendingFact]) -> None:
        await self._send([(f.event_id, f.to_json()) for f in facts])

    async def release(self, event_ids: Sequence[str]) -> None:
        await self._send([(event_id, None) for event_id in event_ids])

    async def _send(self, records: list[tuple[str, bytes | None]]) -> None:
        async with asyncio.timeout(self._timeout_s):
            pending = [
                await self._producer.send(self.topic, key=key.encode(), value=value)
                for key, value in records
            ]
            await asyncio.gather(*pending)

    async def follow(
        self,
        make_consumer: Callable[[], AIOKafkaConsumer],
        on_parked: Callable[[], None],
        stopping: asyncio.Event,
    ) -> None:
        """Keep ``pending`` equal to the topic until ``stopping``; reads it from the start."""
        consumer = make_consumer()
        await consumer.start()
        try:
            partitions = await self._producer.partitions_for(self.topic)
            tps = [TopicPartition(self.topic, p) for p in sorted(partitions)]
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
            self.pending.clear()
            while not stopping.is_set():
                batches = await consumer.getmany(timeout_ms=1000, max_records=1000)
                parked = False
                for record in (r for records in batches.values() for r in records):
                    parked |= self._apply(record.key, record.value)
                if parked:
                    on_parked()
        finally:
            await consumer.stop()

    def _apply(self, key: bytes | None, value: bytes | None) -> bool:
        if key is None:
            return False
        event_id = key.decode(errors="replace")
        if value is None:
            self.pending.pop(event_id, None)
            return False
        try:
            self.pending[event_id] = PendingFact.from_json(value)
        except (ValueError, TypeError, KeyError):
            log.error("unreadable parked record skipped", extra={"event_id": event_id})
            return False
        return True


class Retrier:
    """Publishes the parked lines whose toewijzing the index now knows.

    Woken when the index learns toewijzingen and when lines are parked (the toewijzing may
    have arrived between the lookup and the parking), and every ``interval_s`` regardless.
    """

    def __init__(
        self, lot: ParkingLot, index: ToewijzingIndex, publisher: Publisher, interval_s: float
    ) -> None:
        self._lot = lot
        self._index = index
        self._publisher = publisher
        self._interval_s = interval_s
        self._wake = asyncio.Event()

    def wake(self, *_: object) -> None:
        self._wake.set()

    async def run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._interval_s):
                    await self._wake.wait()
            self._wake.clear()
            if stopping.is_set():
                return
            try:
                await self.retry_once()
            except (KafkaError, RedisError, TimeoutError, OSError) as exc:
                log.warning(
                    "retry of parked lines failed; trying again later",
                    extra={"error": type(exc).__name__},
                )

    async def retry_once(self) -> int:
        """Publish every parked line with a known zaak, then release it; returns how many."""
        waiting = list(self._lot.pending.values())
        zaken = await self._index.zaken(f.toewijzingnummer for f in waiting)
        ready = [(f, zaken[f.toewijzingnummer]) for f in waiting if f.toewijzingnummer in zaken]
        if not ready:
            return 0
        await self._publisher.publish([fact.to_event(zaak_id) for fact, zaak_id in ready])
        await self._lot.release([fact.event_id for fact, _ in ready])
        for fact, _ in ready:
            self._lot.pending.pop(fact.event_id, None)
        log.info("parked lines published", extra={"published": len(ready)})
        return len(ready)
