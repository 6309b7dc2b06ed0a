"""What the intake e2e tests send and how they read the events topic back."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer

SOURCE = "urn:nld:oin:00000001002220647000:systeem:zaaksysteem"
WMO_SOURCE = "urn:nld:oin:00000001002220647000:systeem:wmo-zaaksysteem"
TYPE = "nl.helmond.sociaaldomein."
SINGLE = {"content-type": "application/cloudevents+json"}
BATCH = {"content-type": "application/cloudevents-batch+json"}


def aangemeld(zaak_id: str, source: str = SOURCE, **data: Any) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": source,
        "type": TYPE + "zaak.aangemeld",
        "time": "2026-03-02T09:15:00+01:00",
        "subject": zaak_id,
        "datacontenttype": "application/json",
        "data": {
            "zaak_id": zaak_id,
            "wet": "wmo",
            "soort": "melding",
            "datum": "2026-03-02",
            "postcode": "5701AB",
            **data,
        },
    }


def gestart(zaak_id: str, source: str = SOURCE) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": source,
        "type": TYPE + "zorg.gestart",
        "time": "2026-03-20T09:15:00+01:00",
        "data": {"zaak_id": zaak_id, "datum": "2026-03-20"},
    }


async def read_topic(bootstrap: str, topic: str, expected: int, timeout_s: float = 20) -> list:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"e2e-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    records: list = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while len(records) < expected and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for batch in batches.values():
                records.extend(batch)
        # a short extra poll proves nothing more than expected arrived
        extra = await consumer.getmany(timeout_ms=1000)
        records.extend(r for batch in extra.values() for r in batch)
    finally:
        await consumer.stop()
    return records
