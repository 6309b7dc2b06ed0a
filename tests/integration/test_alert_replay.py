"""Alerts on the real broker and Redis: one generated stream, processed twice, gives the same
alerts, each once at the webhook, with a worker restart in the middle of the first run.

Run 1 reads the stream as a backlog and is stopped and started again midway (its table comes
back from the changelog, its schedule is rebuilt). Run 2 is a full replay: a new consumer
group with empty state reads the same topic from the start. Both must give exactly the alerts
the in-process worker flow gives for the stream (tests/fixtures/alert_stream.py), and the webhook
dispatcher, running throughout, must deliver each alert that is not historisch exactly once.

The alerts topic carries only pushed alerts (a log); the Redis feed holds those and each
zaak's historisch view, which must be exactly the in-process one after both runs. The alert
window is set longer than the stream: the stream is read long after its days, and with the
default window (7 days) nearly every alert would be historisch (tests/unit/test_alert_processor.py
covers that); here the backlog must push what a live worker pushed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import redis
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from fixtures.alert_stream import END, Published, Record, replay, stream
from fixtures.service_procs import free_port, http_ok, run_service
from fixtures.webhook_receiver import receiving

from services.kpi.zaken.alert_publisher import feed_entry
from services.webhooks.signing import hook_id
from shared.contract.alert_keys import AlertKeys
from shared.platform.kafka_admin import ensure_topics
from shared.platform.settings import KafkaSettings, get_domain_config

pytestmark = pytest.mark.integration

SECRET = "integration-webhook-secret"
ALERT_PARTITIONS = KafkaSettings().alerts_partitions
WINDOW_DAYS = 3650  # longer than the stream: its backlog pushes what live pushed


async def produce(bootstrap: str, topic: str, records: list[Record]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        batch = [
            await producer.send(
                topic, value=r.value, key=r.key, headers=list(r.headers),
                timestamp_ms=r.timestamp_ms,
            )
            for r in records
        ]  # fmt: skip
        await asyncio.gather(*batch)
    finally:
        await producer.stop()


async def read_alerts(bootstrap: str, topic: str, start: dict[int, int]) -> list[Any]:
    """Every alert record from ``start`` (partition -> offset) to the current end."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(ALERT_PARTITIONS)]
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        for tp in tps:
            consumer.seek(tp, start.get(tp.partition, 0))
        found: list[Any] = []
        while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
            batches = await consumer.getmany(timeout_ms=1000)
            found += [r for batch in batches.values() for r in batch]
        return found
    finally:
        await stop(consumer)


async def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(ALERT_PARTITIONS)]
        return {tp.partition: offset for tp, offset in (await consumer.end_offsets(tps)).items()}
    finally:
        await stop(consumer)


async def stop(consumer: AIOKafkaConsumer) -> None:
    # aiokafka 0.14 can cancel its own committed-offsets task on a quick stop.
    with contextlib.suppress(asyncio.CancelledError):
        await consumer.stop()


async def group_lag(bootstrap: str, group: str, topic: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    ends = await end_offsets(bootstrap, topic)
    done = {tp.partition: meta.offset for tp, meta in committed.items() if tp.topic == topic}
    return sum(end - done.get(p, 0) for p, end in ends.items())


def alert_data(records: list[Any]) -> Counter[str]:
    """Each record's alert as canonical JSON of its data (the event time left out)."""
    return Counter(json.dumps(json.loads(r.value)["data"], sort_keys=True) for r in records)


def stored(store: redis.Redis, keys: AlertKeys) -> dict[str, str]:
    """The Redis alert feed: alert id -> its entry."""
    raw: dict[bytes, bytes] = store.hgetall(keys.alerts)  # type: ignore[assignment]
    return {k.decode(): v.decode() for k, v in raw.items()}


def settled(count: Callable[[], int], timeout_s: float, quiet_s: float = 4.0) -> None:
    """Wait until ``count()`` is above zero and has not changed for ``quiet_s`` seconds."""
    deadline, last, since = time.monotonic() + timeout_s, -1, time.monotonic()
    while time.monotonic() < deadline:
        now = count()
        if now != last:
            last, since = now, time.monotonic()
        elif now > 0 and time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.5)
    raise AssertionError("the replay did not settle")


def diff(what: str, records: list[Any], expected: Counter[str]) -> str:
    got = set(alert_data(records))
    missing, extra = sorted(set(expected) - got), sorted(got - set(expected))
    return (
        f"{what}: {len(missing)} missing, e.g. {missing[:3]}; {len(extra)} extra, e.g. {extra[:3]}"
    )


def wait_until(check: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


def test_one_stream_twice_with_a_restart_gives_the_same_alerts_each_once(
    kafka_settings: KafkaSettings, redis_url: str, tmp_path: Path
) -> None:
    ensure_topics(kafka_settings, get_domain_config())  # topic_prefix deletes them afterwards
    records = stream(seed=21, zaken=800)
    published = Published()
    expected_alerts = asyncio.run(
        replay(records, end=END, window_days=WINDOW_DAYS, published=published)
    )
    expected = Counter(json.dumps(a.data(), sort_keys=True) for a in expected_alerts)
    live = {a.alert_id for a in expected_alerts}
    assert max(expected.values()) == 1 and len(live) > 500
    assert not any(a.historisch for a in expected_alerts)
    feed = {a.alert_id: feed_entry(a) for a in [*expected_alerts, *published.historisch()]}
    assert len(feed) == len(expected) + len(published.historisch()) > len(expected) + 20

    bootstrap, prefix = kafka_settings.bootstrap_servers, kafka_settings.topic_prefix
    events, alerts = f"{prefix}wijkpuls.events", f"{prefix}wijkpuls.alerts"
    keys = AlertKeys(prefix)
    store = redis.Redis.from_url(redis_url)
    store.set(keys.today_override, END.isoformat())
    asyncio.run(produce(bootstrap, events, records))
    env = {
        **os.environ,
        "WIJKPULS_ENVIRONMENT": "test",
        "WIJKPULS_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "WIJKPULS_KAFKA_TOPIC_PREFIX": prefix,
        "WIJKPULS_REDIS_URL": redis_url,
        "WIJKPULS_KPI_ALERT_TICK_S": "0.5",
        "WIJKPULS_KPI_ALERT_WINDOW_DAYS": str(WINDOW_DAYS),
    }

    def worker(app_id: str, data: str, log: str) -> AbstractContextManager[Any]:
        web = free_port()
        worker_env = {
            **env,
            "WIJKPULS_KPI_APP_ID": app_id,
            "WIJKPULS_KPI_DATA_DIR": str(tmp_path / data),
            "WIJKPULS_KPI_WEB_PORT": str(web),
        }
        args = ["-m", "services.kpi", "worker", "-l", "info"]
        return run_service(
            args, worker_env, tmp_path / log, http_ok(f"http://127.0.0.1:{web}/"), 90
        )

    flaky = lambda alert_id: int(alert_id[:2], 16) % 10 == 0  # noqa: E731 - a 503 first
    with receiving(SECRET, flaky) as receiver:
        health = free_port()
        dispatcher_env = {
            **env,
            "WIJKPULS_WEBHOOK_URLS": json.dumps([receiver.url]),
            "WIJKPULS_WEBHOOK_SECRET": SECRET,
            "WIJKPULS_WEBHOOK_BACKOFF_INITIAL_S": "0.05",
            "WIJKPULS_WEBHOOK_MAX_ATTEMPTS": "4",
        }
        dispatcher = run_service(
            ["-m", "services.webhooks", "--port", str(health)],
            dispatcher_env,
            tmp_path / "webhooks.log",
            http_ok(f"http://127.0.0.1:{health}/health"),
        )
        with dispatcher:
            # Run 1, stopped and started again while it works through the backlog.
            def given() -> int:
                return int(store.hlen(keys.alerts))

            with worker("wijkpuls-kpi", "kpi-1", "kpi-1.log"):
                wait_until(lambda: given() >= len(feed) // 3, 120, "a third of the alerts")
                at_restart = given()
            assert at_restart < len(feed), "the restart came after the work was done"
            with worker("wijkpuls-kpi", "kpi-1", "kpi-1.log"):
                wait_until(lambda: stored(store, keys) == feed, 180, "the feed of run 1")
                assert receiver.wait_for(lambda ids: set(ids) >= live, 120)
            run1_end = asyncio.run(end_offsets(bootstrap, alerts))
            run1 = asyncio.run(read_alerts(bootstrap, alerts, {}))

            # Run 2: a full replay by a new consumer group with empty state.
            with worker("wijkpuls-kpi-replay", "kpi-2", "kpi-2.log"):
                settled(lambda: len(asyncio.run(read_alerts(bootstrap, alerts, run1_end))), 180)
                # Every record applied (committed), and the views rewritten as they were.
                replay_group = f"{prefix}wijkpuls-kpi-replay"
                wait_until(
                    lambda: asyncio.run(group_lag(bootstrap, replay_group, events)) == 0,
                    300,  # a loaded host only waits longer; a stuck replay still fails
                    "the replay",
                )
                wait_until(lambda: stored(store, keys) == feed, 120, "the feed of the replay")
            run2 = asyncio.run(read_alerts(bootstrap, alerts, run1_end))
            group = f"{prefix}wijkpuls-webhooks-{hook_id(receiver.url)}"
            wait_until(
                lambda: asyncio.run(group_lag(bootstrap, group, alerts)) == 0, 120, "dispatcher"
            )

    assert set(alert_data(run1)) == set(expected), diff("run 1 (with restart)", run1, expected)
    assert set(alert_data(run2)) == set(expected), diff("the full replay", run2, expected)
    assert max(alert_data(run2).values()) == 1, "the replay published an alert twice"
    delivered = receiver.ids()
    assert set(delivered) == live
    assert max(delivered.values()) == 1, "a webhook received an alert twice"
    assert receiver.bad_signatures == 0
    assert any(n > 1 for n in receiver.attempts.values()), "no retry was exercised"
    # The feed: every pushed alert once (first version) and exactly the historisch views.
    assert stored(store, keys) == feed
    assert store.zcard(keys.alerts_by_datum) == len(feed)
    for key in store.scan_iter(match=f"{prefix}wp:*"):
        store.delete(key)
    store.close()
