"""The zaak agents: events -> per-zaak state -> alerts, figures, termijnen -> or dead letter.

``process_events`` applies case events, first any the consumer skipped (gaps.py);
``process_ticks`` evaluates the zaken whose date the alert clock reached and applies skipped
records at a partition's tail (timers.py sends both kinds of tick). Concurrency stays 1
(faust #606); throughput comes from partitions and worker processes.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import faust
from faust.types import TP

from services.kpi.app import app
from services.kpi.gaps import GAP_TICK, EventsRecord
from services.kpi.runtime import (
    applied,
    assigned_partitions,
    lock,
    processed,
    processor,
    skipped_reader,
    today,
)
from services.kpi.topics import dlq_topic, events_topic, ticks_topic
from shared.clock_override import amsterdam_date
from shared.dead_letter import dead_letter_headers
from shared.events.binding import UndecodableRecord

log = logging.getLogger("wijkpuls.kpi")


@app.agent(events_topic, concurrency=1)
async def process_events(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
    # Acked by hand, once the record is done. faust's own ack sits in a ``finally`` of the
    # stream, so a stop (SIGTERM) that cancels this agent halfway through a record would ack
    # it anyway and the final commit would skip it: its fact, and the alerts and figures it
    # brings, would be lost for good. Unacked, it comes again after the restart, and applying
    # it again is harmless (seen event ids are ignored, alert ids are stable, sinks idempotent).
    records = stream.noack()
    async for event in records.events():
        message = event.message
        async with lock:
            processor.ensure_built(assigned_partitions())
            await _apply_skipped(message.partition, until=message.offset)
            done = applied.next_offset(message.partition)
            if done is None or message.offset >= done:
                await _apply(
                    EventsRecord(
                        message.partition,
                        message.offset,
                        message.timestamp,
                        message.key,
                        message.value,
                        list(message.headers or []),
                    )
                )
        await records.ack(event)
        yield None


@app.agent(ticks_topic, concurrency=1)
async def process_ticks(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
    async for event in stream.events():
        message = event.message
        async with lock:
            try:
                processor.ensure_built(assigned_partitions())
                if message.key == GAP_TICK:
                    await _apply_skipped(message.partition, until=int(message.value))
                else:
                    await processor.on_tick(message.partition)
            except Exception:
                log.exception("alert tick failed", extra={"partition": message.partition})
        yield None


async def _apply_skipped(partition: int, until: int) -> None:
    """Apply the records before ``until`` that this group never applied (gaps.py)."""
    start = applied.next_offset(partition)
    if start is not None and start >= until:
        return
    count, first = 0, until
    async for record in skipped_reader.read(partition, start, until):
        await _apply(record)
        count, first = count + 1, min(first, record.offset)
    if count:
        # faust commits only an unbroken run of acked offsets after its committed one: told
        # nothing, it would hold the partition's commit back forever (a "head gap").
        await app.consumer._add_gap(TP(events_topic.get_topic_name(), partition), first, until - 1)
        log.warning(
            "applied %d records faust did not deliver (skipped by it, or applied here before "
            "the last persisted mark): partition %d, offsets %s..%d",
            count,
            partition,
            "start" if start is None else start,
            until - 1,
        )


async def _apply(record: EventsRecord) -> None:
    """One record: the alert clock to its day, then the zaak; a bad one to the dead letter."""
    now = await today.current()
    day = amsterdam_date(record.timestamp_s) if record.timestamp_s else now
    try:
        day = await processor.catch_up(record.partition, day, now)
    except Exception:  # alerts of other zaken failed; they wait for the next tick
        log.exception("alert clock catch-up failed", extra={"offset": record.offset})
    try:
        await processor.apply(record.partition, day, record.key, record.value, record.headers)
    except UndecodableRecord as exc:
        await _dead_letter(record, str(exc))
    except Exception as exc:  # a bug on one record must not stop the processor
        log.exception("record failed", extra={"offset": record.offset})
        await _dead_letter(record, f"processing error: {type(exc).__name__}")
    processed[record.partition] = record.offset + 1
    applied.mark(record.partition, record.offset + 1)


async def _dead_letter(record: EventsRecord, reason: str) -> None:
    headers = dead_letter_headers(
        record.headers,
        reason,
        topic=events_topic.get_topic_name(),
        partition=record.partition,
        offset=record.offset,
        consumer=app.conf.id,
    )
    await dlq_topic.send(key=record.key, value=record.value, headers=headers)
    log.warning(
        "dead-lettered",
        extra={"reason": reason, "offset": record.offset, "partition": record.partition},
    )
