"""The pushed alerts of a lost feed come back from the alerts topic byte for byte
(services/kpi/zaken/pushed_alerts.py, AlertPublisher.restore_pushed), on the real broker
and Redis: what the KPI worker's rebuild of a lost figures store does for the alert feed
(docs/reliability.md). The flush test's stream pushes no alert, so this is where the
pushed entries are checked."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
import redis.asyncio as aioredis

from services.kpi.zaken.alert_publisher import AlertPublisher
from services.kpi.zaken.pushed_alerts import pushed_alerts
from shared.contract.alert_keys import AlertKeys
from shared.contract.events import KafkaRecord
from shared.contract.topics import Topic, TopicSpec, topic_name
from shared.core.alerts import AlertKind, DueAlert, alert_id
from shared.core.domain_config import Wet
from shared.platform.kafka_io import make_producer
from shared.platform.settings import KafkaSettings

pytestmark = pytest.mark.integration

TODAY = date(2026, 6, 30)
SOURCE = "urn:nld:oin:00000001002220647000:systeem:wijkpuls"


def alert(zaak: str, kind: AlertKind, days_ago: int, wijk: str = "Stiphout") -> DueAlert:
    datum = TODAY - timedelta(days=days_ago)
    return DueAlert(
        alert_id(zaak, "besluit", kind), kind, zaak, "besluit", Wet.WMO, wijk,
        datum - timedelta(days=1), datum, False,
    )  # fmt: skip


Feed = tuple[dict[str, str], list[tuple[str, float]]]


async def _feed(store: Any, keys: AlertKeys, only: set[str] | None = None) -> Feed:
    entries = await store.hgetall(keys.alerts)
    index = await store.zrange(keys.alerts_by_datum, 0, -1, withscores=True)
    if only is not None:
        entries = {k: v for k, v in entries.items() if k in only}
        index = [(m, s) for m, s in index if m in only]
    return dict(entries), [(str(m), float(s)) for m, s in index]


async def _run(kafka: KafkaSettings, redis_url: str) -> tuple[Feed, Feed, list[str]]:
    keys = AlertKeys(kafka.topic_prefix)
    topic = topic_name(Topic.ALERTS, kafka)
    producer = make_producer(kafka, "test-feed-restore")
    await producer.start()

    async def send(record: KafkaRecord) -> None:
        await producer.send_and_wait(
            topic, record.value, key=record.key, headers=list(record.headers)
        )

    store = aioredis.Redis.from_url(redis_url, decode_responses=True)
    wanted = {
        alert_id("WMO-1", "besluit", AlertKind.WAARSCHUWING),
        alert_id("WMO-3", "besluit", AlertKind.TERMIJN_OVERSCHREDEN),
    }
    try:
        publisher = AlertPublisher(send, store, keys, SOURCE, retention_days=730)
        first = [
            alert("WMO-1", AlertKind.WAARSCHUWING, 3),
            alert("WMO-2", AlertKind.WAARSCHUWING, 2),
        ]
        await publisher.publish(first, TODAY)
        # A repeat of WMO-1's alert with another wijk (a redelivered record after the zaak
        # changed): the feed keeps the first version, so the restored one must be the first.
        await publisher.publish([alert("WMO-1", AlertKind.WAARSCHUWING, 3, "Brouwhuis")], TODAY)
        await publisher.publish([alert("WMO-3", AlertKind.TERMIJN_OVERSCHREDEN, 1)], TODAY)
        expected = await _feed(store, keys, wanted)
        await store.delete(keys.alerts, keys.alerts_by_datum)  # the store was lost
        restored = []
        async for found in pushed_alerts(kafka, topic, {"WMO-1", "WMO-3"}):
            restored.append(str(found.data["zaak_id"]))
            await publisher.restore_pushed(found.alert_id, found.event_type, found.data, TODAY)
        after = await _feed(store, keys)
        await store.delete(keys.alerts, keys.alerts_by_datum)
    finally:
        await producer.stop()
        await store.aclose()
    return expected, after, restored


def test_pushed_alerts_come_back_from_the_topic_as_the_feed_had_them(
    kafka_settings: KafkaSettings, kafka_topics: list[TopicSpec], redis_url: str
) -> None:
    expected, after, restored = asyncio.run(_run(kafka_settings, redis_url))
    assert len(expected[0]) == 2, expected
    assert "Stiphout" in expected[0][alert_id("WMO-1", "besluit", AlertKind.WAARSCHUWING)]
    assert sorted(restored) == ["WMO-1", "WMO-1", "WMO-3"], restored
    assert after[0] == expected[0], "the restored feed entries differ from the first ones"
    assert after[1] == expected[1], "the restored by-datum index differs"
    assert sorted(restored) == ["WMO-1", "WMO-1", "WMO-3"], "another zaak's alert was read"
