"""Issued reports, kept durably on their own compacted Kafka topic and read back into memory.

Redis here is a view that may be lost (it runs without persistence), so a report handed to
the raad is kept where the project keeps state that matters: one record per issue on the
rapporten topic (shared/contract/issued_reports.py). Each server process reads the whole topic
the first time an issued-report route needs it, then follows it, so a report issued through
one process is seen by the others; before answering, a read waits until this process has
read up to the topic's current end (read-your-writes across processes and restarts). The
figures routes never wait for Kafka: only these routes need it, and they answer 503 while it
does not answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError

from shared.contract.issued_reports import IssuedReport, from_record
from shared.platform.kafka_io import make_consumer, make_producer
from shared.platform.settings import KafkaSettings

log = logging.getLogger("wijkpuls.reporting.issued")
WAIT_S = 10.0  # how long a request waits for Kafka before its 503


class IssuedUnavailable(Exception):
    """Kafka did not answer in time: the issued reports cannot be read or kept now."""


class IssuedReports:
    def __init__(self, kafka: KafkaSettings, topic: str) -> None:
        self._kafka = kafka
        self._partition = TopicPartition(topic, 0)
        self._reports: dict[str, IssuedReport] = {}
        self._position = 0  # the next offset this process will read
        self._moved = asyncio.Condition()
        self._consumer: AIOKafkaConsumer | None = None
        self._producer: AIOKafkaProducer | None = None
        self._follower: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()

    async def _start(self) -> AIOKafkaConsumer:
        async with self._starting:
            if self._consumer is None:
                consumer = make_consumer(
                    self._kafka, enable_auto_commit=False, auto_offset_reset="earliest"
                )
                await consumer.start()
                consumer.assign([self._partition])
                await consumer.seek_to_beginning(self._partition)
                self._consumer = consumer
                self._follower = asyncio.create_task(self._follow(consumer))
            return self._consumer

    async def _follow(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            try:
                batches = await consumer.getmany(self._partition, timeout_ms=1000)
            except KafkaError as exc:  # the broker is away: keep trying, reads answer 503
                log.warning("issued reports not read", extra={"error": type(exc).__name__})
                await asyncio.sleep(1)
                continue
            for record in batches.get(self._partition, []):
                key = record.key.decode() if record.key else ""
                if record.value is None:
                    self._reports.pop(key, None)
                else:
                    try:
                        report = from_record(record.value)
                    except ValueError:  # a record of another shape is logged, never served
                        log.error("issued report unreadable", extra={"offset": record.offset})
                    else:
                        self._reports[report.id] = report
                self._position = record.offset + 1
            async with self._moved:
                self._moved.notify_all()

    async def _current(self) -> None:
        """Wait until this process has read every record the topic holds now."""
        try:
            async with asyncio.timeout(WAIT_S):
                consumer = await self._start()
                end = (await consumer.end_offsets([self._partition]))[self._partition]
                async with self._moved:
                    await self._moved.wait_for(lambda: self._position >= end)
        except (TimeoutError, KafkaError, OSError) as exc:
            raise IssuedUnavailable(type(exc).__name__) from exc

    async def all(self) -> list[IssuedReport]:
        await self._current()
        return sorted(self._reports.values(), key=lambda r: r.uitgegeven_op, reverse=True)

    async def get(self, report_id: str) -> IssuedReport | None:
        await self._current()
        return self._reports.get(report_id)

    async def keep(self, report: IssuedReport) -> None:
        """Write the report and return once Kafka acknowledged it (acks=all)."""
        try:
            async with asyncio.timeout(WAIT_S):
                async with self._starting:
                    if self._producer is None:
                        producer = make_producer(self._kafka, "wijkpuls-reporting-rapporten")
                        await producer.start()
                        self._producer = producer
                await self._producer.send_and_wait(
                    self._partition.topic, report.value(), key=report.key(), partition=0
                )
        except (TimeoutError, KafkaError, OSError) as exc:
            raise IssuedUnavailable(type(exc).__name__) from exc
        self._reports[report.id] = report

    async def close(self) -> None:
        if self._follower is not None:
            self._follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._follower
        for client in (self._consumer, self._producer):
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.stop()
