"""The vroegsignalen agent: signals, contactpogingen, resultaten -> bereik figures, or dead letter.

Its own topic, table and sink; it shares nothing with the zaak agents but the app, the
dead-letter topic and the Redis figure layout, so it needs none of their lock (only its own,
shared with a rebuild of the figures). Registered by
importing this module (services/kpi/__main__.py). Concurrency stays 1 (faust #606).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import faust
from redis.asyncio import Redis

from services.kpi.app import app, settings
from services.kpi.stream.dead_letter import dead_letter
from services.kpi.stream.faust_seam import manual_ack, record_headers
from services.kpi.stream.metrics import applying
from services.kpi.vroegsignalen.figures_sink import ContributionSink
from services.kpi.vroegsignalen.processor import VroegsignaalProcessor
from shared.contract.events.binding import UndecodableRecord
from shared.contract.figure_keys import FigureKeys
from shared.contract.topics import Topic, topic_name

log = logging.getLogger("wijkpuls.kpi.vroegsignalen")

TABLE = "vroegsignaalzaken"

# Raw bytes: the agent decodes records itself so a bad one can be dead-lettered as sent.
vroegsignalen_topic = app.topic(
    topic_name(Topic.VROEGSIGNALEN, settings.kafka),
    key_type=bytes,
    value_type=bytes,
    key_serializer="raw",
    value_serializer="raw",
)

# Co-partitioned with the vroegsignalen topic (same partition count): see the processor.
vroegsignaalzaken = app.Table(
    TABLE,
    default=None,
    partitions=settings.kafka.vroegsignalen_partitions,
    key_type=str,
    help="VroegsignaalzaakHistory.to_dict(), per [huishouden, vroegsignaalzaak_id]",
)

lock = asyncio.Lock()
"""One record or one rebuild of the figures at a time (services/kpi/view/rebuild.py): a
rebuild must not write a zaak's figures from a state a record has just replaced."""

processor = VroegsignaalProcessor(
    table=vroegsignaalzaken,
    figures=ContributionSink(
        Redis.from_url(settings.redis.url), FigureKeys(settings.kafka.topic_prefix)
    ),
)


@app.agent(vroegsignalen_topic, concurrency=1)
async def process_vroegsignalen(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
    # Acked by hand once the record is done, as process_events does (services/kpi/zaken/agent.py
    # says why): a stop that cancels the agent mid-record must not ack it. Applying a record
    # again is harmless: the history ignores what it has seen and the sink is idempotent.
    records = manual_ack(stream)
    async for event in records.events():
        message = event.message
        async with lock, applying("process_vroegsignalen"):
            try:
                await processor.apply(
                    message.key, message.value, record_headers(message), message.timestamp
                )
            except UndecodableRecord as exc:
                await _dead_letter(message, str(exc))
            except Exception as exc:  # a bug on one record must not stop the processor
                log.exception("record failed", extra={"offset": message.offset})
                await _dead_letter(message, f"processing error: {type(exc).__name__}")
        await records.ack(event)
        yield None


async def _dead_letter(message: faust.types.Message, reason: str) -> None:
    await dead_letter(
        key=message.key,
        value=message.value,
        headers=record_headers(message),
        reason=reason,
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
    )
