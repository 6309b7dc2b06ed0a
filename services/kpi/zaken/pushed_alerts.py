"""The pushed alerts of some zaken, read back from the alerts topic (a log) in its order.

The Redis feed keeps the first version of every pushed alert; the zaken table keeps only
their ids. After the figures store was lost (services/kpi/view/), the feed's pushed entries
come back from the alerts topic, which holds each one as it was first published (then any
repeat with the same id, which the feed ignores). Read with a plain consumer (no group, no
commits) from the start up to the end offsets of the moment the read began.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass
from typing import Any

from aiokafka import TopicPartition

from shared.contract.events.catalog import TYPE_PREFIX
from shared.platform.kafka_io import make_consumer
from shared.platform.settings import KafkaSettings


@dataclass(frozen=True)
class PushedAlert:
    alert_id: str
    event_type: str  # the catalog name, e.g. alert.waarschuwing
    data: dict[str, Any]


async def pushed_alerts(
    kafka: KafkaSettings, topic: str, zaken: Collection[str], timeout_s: float = 60.0
) -> AsyncIterator[PushedAlert]:
    """Every alert record of ``zaken`` on the topic, in each partition's order."""
    consumer = make_consumer(kafka, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        # The configured count, which ensure-topics gives the topic (a fresh consumer knows
        # no topic's partitions, and its topics() does not teach it them).
        tps = [TopicPartition(topic, p) for p in range(kafka.alerts_partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        for tp in tps:
            while await consumer.position(tp) < ends[tp]:
                batch = await consumer.getmany(tp, timeout_ms=int(timeout_s * 1000))
                records = batch.get(tp, [])
                if not records:
                    raise TimeoutError(f"{topic}[{tp.partition}]: no record in {timeout_s} s")
                for record in records:
                    if record.offset >= ends[tp] or record.value is None:
                        continue
                    event = json.loads(record.value)
                    data = event.get("data") or {}
                    if data.get("zaak_id") in zaken:
                        kind = str(event["type"]).removeprefix(TYPE_PREFIX)
                        yield PushedAlert(str(data["alert_id"]), kind, data)
    finally:
        await consumer.stop()
