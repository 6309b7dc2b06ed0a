"""The zaak agents: events -> per-zaak state -> alerts, figures, termijnen -> or dead letter.

``process_events`` applies case events; ``process_ticks`` evaluates the zaken whose date the
alert clock reached (timers.py sends the ticks). Concurrency stays 1 (faust #606);
throughput comes from partitions and worker processes.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import date

import faust

from services.kpi.app import app
from services.kpi.runtime import assigned_partitions, lock, processed, processor, today
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
            now = await today.current()
            day = _record_day(message, now)
            try:
                day = await processor.catch_up(message.partition, day, now)
            except Exception:  # alerts of other zaken failed; they wait for the next tick
                log.exception("alert clock catch-up failed", extra={"offset": message.offset})
            try:
                await processor.apply(
                    message.partition, day, message.key, message.value, list(message.headers or [])
                )
            except UndecodableRecord as exc:
                await _dead_letter(message, str(exc))
            except Exception as exc:  # a bug on one record must not stop the processor
                log.exception("record failed", extra={"offset": message.offset})
                await _dead_letter(message, f"processing error: {type(exc).__name__}")
            processed[message.partition] = message.offset + 1
        await records.ack(event)
        yield None


@app.agent(ticks_topic, concurrency=1)
async def process_ticks(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
    async for event in stream.events():
        async with lock:
            try:
                processor.ensure_built(assigned_partitions())
                await processor.on_tick(event.message.partition)
            except Exception:
                log.exception("alert tick failed", extra={"partition": event.message.partition})
        yield None


def _record_day(message: faust.types.Message, today: date) -> date:
    """The day the intake accepted the record (its Kafka timestamp), in Europe/Amsterdam."""
    return amsterdam_date(message.timestamp) if message.timestamp else today


async def _dead_letter(message: faust.types.Message, reason: str) -> None:
    headers = dead_letter_headers(
        list(message.headers or []),
        reason,
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        consumer=app.conf.id,
    )
    await dlq_topic.send(key=message.key, value=message.value, headers=headers)
    log.warning(
        "dead-lettered",
        extra={"reason": reason, "offset": message.offset, "partition": message.partition},
    )
