"""The zaak agents: events -> per-zaak state -> alerts, figures, termijnen -> or dead letter.

``process_events`` applies case events in batches (batching.py: what the stream has ready, up
to ``BATCH_MAX``), each record in order and first any the consumer skipped (gaps.py);
``process_ticks`` evaluates the zaken whose date the alert clock reached and applies skipped
records at a partition's tail (timers.py sends both kinds of tick). A batch's table writes,
Redis views and applied-offset marks are staged and made durable together (staging.py)
before its records are acked. Concurrency stays 1 (faust #606); throughput comes from
batches, partitions and worker processes. ``register`` puts both agents on a worker's app
(services/kpi/wiring.py); the helpers below take that worker.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import faust

from services.kpi.stream.batching import ready_batches
from services.kpi.stream.faust_seam import add_gap, manual_ack, record_headers
from services.kpi.stream.gaps import GAP_TICK, EventsRecord
from services.kpi.stream.metrics import applying
from services.kpi.stream.staging import use_event
from shared.contract.events.binding import UndecodableRecord
from shared.core.local_time import amsterdam_date

if TYPE_CHECKING:
    from services.kpi.wiring import Worker

log = logging.getLogger("wijkpuls.kpi")

BATCH_MAX = 500
"""Records per batch at most: bounds the unacked work a stop or rebalance sends round again."""
BATCH_LINGER_S = 0.01
"""How long a batch waits for more records after its first: the latency a live record gets."""


def register(worker: Worker) -> None:
    """``process_events``, then ``process_ticks``, on the worker's app. faust names an agent
    after its function's module and name (services.kpi.zaken.agent.process_events), as
    before; the events agent's consumer group is the app id."""
    lock, processor, batch = worker.lock, worker.processor, worker.batch

    async def process_events(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        # Acked by hand, once the batch is durable. faust's own ack sits in a ``finally`` of the
        # stream, so a stop (SIGTERM) that cancels this agent halfway through a batch would ack
        # it anyway and the final commit would skip it: its facts, and the alerts and figures
        # they bring, would be lost for good. Unacked, they come again after the restart, and
        # applying them again is harmless (seen event ids are ignored, alert ids are stable,
        # sinks idempotent).
        records = manual_ack(stream)
        async for events in ready_batches(records, BATCH_MAX, BATCH_LINGER_S):
            async with lock, applying("process_events"):
                try:
                    processor.ensure_built(worker.assigned_partitions())
                    for event in events:
                        if not batch.accepts([event]):
                            break  # a rebalance: the commit drops the batch, the records come again
                        use_event(event)  # table reads and writes go to the record's partition
                        await _apply_message(worker, event.message)
                    committed = await _commit(worker, events)
                except BaseException:
                    batch.discard()  # a stop or a crash: nothing of the batch is written or acked
                    raise
            if committed:
                for event in events:
                    await records.ack(event)
            yield None

    async def process_ticks(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for event in stream.events():
            message = event.message
            async with lock, applying("process_ticks"):
                try:
                    processor.ensure_built(worker.assigned_partitions())
                    if message.key == GAP_TICK:
                        await _apply_skipped(worker, message.partition, until=int(message.value))
                    else:
                        await processor.on_tick(message.partition)
                except Exception:
                    log.exception("alert tick failed", extra={"partition": message.partition})
                try:
                    await _commit(worker, [event])
                except BaseException:
                    batch.discard()
                    raise
            yield None

    worker.app.agent(worker.topics.events, concurrency=1)(process_events)
    worker.app.agent(worker.topics.ticks, concurrency=1)(process_ticks)


async def _apply_message(worker: Worker, message: faust.types.Message) -> None:
    await _apply_skipped(worker, message.partition, until=message.offset)
    done = worker.applied.next_offset(message.partition)
    if done is None or message.offset >= done:
        await _apply(
            worker,
            EventsRecord(
                message.partition,
                message.offset,
                message.timestamp,
                message.key,
                message.value,
                record_headers(message),
            ),
        )


async def _commit(worker: Worker, events: list[faust.types.EventT[Any]]) -> bool:
    """Make what the events changed durable (staging.py); False: dropped, not to be acked."""
    batch = worker.batch
    try:
        failed = await batch.commit(events)
        if failed is None:
            log.info("batch dropped by a rebalance; its records come again", extra={})
            return False
        for zaak_id, exc in sorted(failed.items()):
            log.error("redis write failed", extra={"zaak_id": zaak_id, "error": repr(exc)})
            record = batch.last.get(zaak_id)
            if record is not None:
                await _dead_letter(worker, record, f"processing error: {type(exc).__name__}")
        for partition, first, last in batch.gaps:
            # faust commits only an unbroken run of acked offsets after its committed one:
            # told nothing, it would hold the partition's commit back forever (a "head gap").
            await add_gap(worker.app, worker.topics.events.get_topic_name(), partition, first, last)
        return True
    finally:
        batch.done()


async def _apply_skipped(worker: Worker, partition: int, until: int) -> None:
    """Apply the records before ``until`` that this group never applied (gaps.py)."""
    start = worker.applied.next_offset(partition)
    if start is not None and start >= until:
        return
    count, first = 0, until
    async for record in worker.skipped_reader.read(partition, start, until):
        await _apply(worker, record)
        count, first = count + 1, min(first, record.offset)
    if count:
        # Told to faust once the batch is in.
        worker.batch.applied_range(partition, first, until - 1)
        log.warning(
            "applied %d records faust did not deliver (skipped by it, or applied here before "
            "the last persisted mark): partition %d, offsets %s..%d",
            count,
            partition,
            "start" if start is None else start,
            until - 1,
        )


async def _apply(worker: Worker, record: EventsRecord) -> None:
    """One record: the alert clock to its day, then the zaak; a bad one to the dead letter."""
    processor, batch = worker.processor, worker.batch
    now = await worker.today.current()
    day = amsterdam_date(record.timestamp_s) if record.timestamp_s else now
    try:
        day = await processor.catch_up(record.partition, day, now)
    except Exception:  # alerts of other zaken failed; they wait for the next tick
        log.exception("alert clock catch-up failed", extra={"offset": record.offset})
    try:
        zaak_id = await processor.apply(
            record.partition, day, record.key, record.value, record.headers, record.timestamp_s
        )
        if zaak_id is not None:
            batch.applied(zaak_id, record)
    except UndecodableRecord as exc:
        await _dead_letter(worker, record, str(exc))
    except Exception as exc:  # a bug on one record must not stop the processor
        log.exception("record failed", extra={"offset": record.offset})
        await _dead_letter(worker, record, f"processing error: {type(exc).__name__}")
    batch.processed(record.partition, record.offset + 1)
    worker.applied.mark(record.partition, record.offset + 1)


async def _dead_letter(worker: Worker, record: EventsRecord, reason: str) -> None:
    await worker.dead_letters.send(
        key=record.key,
        value=record.value,
        headers=record.headers,
        reason=reason,
        topic=worker.topics.events.get_topic_name(),
        partition=record.partition,
        offset=record.offset,
    )
