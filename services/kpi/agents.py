"""The zaak agent: event -> per-zaak history -> contribution -> Redis, or -> dead-letter topic.

Concurrency stays 1 (faust #606); throughput comes from partitions and worker processes.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import faust
from redis.asyncio import Redis

from services.kpi.app import app, settings
from services.kpi.facts import zaak_fact
from services.kpi.sink import FigureSink
from services.kpi.tables import zaken
from services.kpi.topics import dlq_topic, events_topic
from shared.dead_letter import dead_letter_headers
from shared.domain import AtwCalendar, ZaakHistory
from shared.domain_config import load_domain_config
from shared.events.binding import UndecodableRecord, from_kafka_record
from shared.figure_keys import FigureKeys
from shared.kpi.contribution import doorlooptijd_contribution

log = logging.getLogger("wijkpuls.kpi")
domain = load_domain_config(settings.app.domain_config)
calendar = AtwCalendar(domain.gelijkgestelde_dagen)
sink = FigureSink(Redis.from_url(settings.redis.url), FigureKeys(settings.kafka.topic_prefix))


@app.agent(events_topic, concurrency=1)
async def process_events(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
    async for event in stream.events():
        message = event.message
        try:
            await _process(message.key, message.value, list(message.headers or []))
        except UndecodableRecord as exc:
            await _dead_letter(message, str(exc))
        except Exception as exc:  # a bug on one record must not stop the processor
            log.exception("record failed", extra={"offset": message.offset})
            await _dead_letter(message, f"processing error: {type(exc).__name__}")
        yield None


async def _process(key: bytes | None, value: bytes | None, headers: list) -> None:
    cloud_event = from_kafka_record(key, value, headers)
    found = zaak_fact(cloud_event)
    if found is None:
        return
    zaak_id, fact = found
    stored = zaken.get(zaak_id)
    history = ZaakHistory.from_dict(stored) if stored else ZaakHistory()
    updated = history.add(fact)
    if updated != history:
        zaken[zaak_id] = updated.to_dict()
    # Applied even when the history did not change: the replace is idempotent and heals a
    # crash that happened after the changelog write but before the Redis write.
    await sink.replace(zaak_id, doorlooptijd_contribution(updated, domain, calendar))


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
