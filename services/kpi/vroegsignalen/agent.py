"""The vroegsignalen agent: signals, contactpogingen, resultaten -> bereik figures, or dead letter.

Its own topic, table, Redis client and sink; it shares nothing with the zaak agents but the
app, the dead-letter topic and the Redis figure layout, so it needs none of their lock (only
its own, shared with a rebuild of the figures). ``build`` makes its parts when the worker is
built, ``register`` puts the agent on the app (services/kpi/wiring.py). Concurrency stays 1
(faust #606).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import faust
from faust.types import TableT
from redis.asyncio import Redis

from services.kpi.settings import Settings
from services.kpi.stream.faust_seam import manual_ack, record_headers
from services.kpi.stream.metrics import applying
from services.kpi.vroegsignalen.figures_sink import ContributionSink
from services.kpi.vroegsignalen.processor import VroegsignaalProcessor
from shared.contract.events.binding import UndecodableRecord
from shared.contract.figure_keys import FigureKeys

if TYPE_CHECKING:
    from services.kpi.wiring import Worker

log = logging.getLogger("wijkpuls.kpi.vroegsignalen")


@dataclass
class Vroegsignalen:
    """What the agent and a rebuild of its figures (services/kpi/view/rebuild.py) share."""

    table: TableT[str, Any]
    """vroegsignaalzaken, co-partitioned with the vroegsignalen topic: see the processor."""
    lock: asyncio.Lock
    """One record or one rebuild of the figures at a time: a rebuild must not write a zaak's
    figures from a state a record has just replaced."""
    processor: VroegsignaalProcessor


def build(settings: Settings, table: TableT[str, Any]) -> Vroegsignalen:
    """The agent's parts; its Redis client is its own (it connects when first used)."""
    return Vroegsignalen(
        table=table,
        lock=asyncio.Lock(),
        processor=VroegsignaalProcessor(
            table=table,
            figures=ContributionSink(
                Redis.from_url(settings.redis.url), FigureKeys(settings.kafka.topic_prefix)
            ),
        ),
    )


def register(worker: Worker) -> None:
    """``process_vroegsignalen`` on the worker's app. faust names an agent after its function's
    module and name (services.kpi.vroegsignalen.agent.process_vroegsignalen), as before."""
    lock, processor = worker.vroegsignalen.lock, worker.vroegsignalen.processor

    async def process_vroegsignalen(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        # Acked by hand once the record is done, as process_events does (services/kpi/zaken/
        # agent.py says why): a stop that cancels the agent mid-record must not ack it. Applying
        # a record again is harmless: the history ignores what it has seen and the sink is
        # idempotent.
        records = manual_ack(stream)
        async for event in records.events():
            message = event.message
            async with lock, applying("process_vroegsignalen"):
                try:
                    await processor.apply(
                        message.key, message.value, record_headers(message), message.timestamp
                    )
                except UndecodableRecord as exc:
                    await _dead_letter(worker, message, str(exc))
                except Exception as exc:  # a bug on one record must not stop the processor
                    log.exception("record failed", extra={"offset": message.offset})
                    await _dead_letter(worker, message, f"processing error: {type(exc).__name__}")
            await records.ack(event)
            yield None

    worker.app.agent(worker.topics.vroegsignalen, concurrency=1)(process_vroegsignalen)


async def _dead_letter(worker: Worker, message: faust.types.Message, reason: str) -> None:
    await worker.dead_letters.send(
        key=message.key,
        value=message.value,
        headers=record_headers(message),
        reason=reason,
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
    )
