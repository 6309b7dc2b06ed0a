"""The figures store flushed, then restarted empty, under a running KPI worker: it rebuilds
by itself, and the reporting never serves the lost store as figures (docs/reliability.md).

Two workers read the same generated stream (tests/fixtures/replay_support.py), each on
topics of its own: a clean one on the shared Redis under its own prefix, and one on a
redis-server of this test alone (tests/fixtures/private_redis.py), so the shared Redis is
never flushed. With a third of the stream in the figures, the private Redis gets a FLUSHALL
while the second third is produced; with the second in, it is killed and started again
empty while the last third is produced. The test date is set again in the same breath each
time (a transaction; before the restarted server opens its port): it is test scaffolding,
not part of the view. The reporting API on the private Redis is asked all the while: every
KPI and list answer is the figures or a 503 problem ("figures rebuilding", or "figures
unavailable" while Redis is down), never a 200 without figures. The worker notices the lost
markers and rebuilds its view from its tables without a replay; the final view is
byte-identical to the clean worker's (``wp:gewijzigd`` included: the vroegsignalen carry
the same acceptance stamps in both topics, so their cells' times agree too), and the served
figures equal the independent reference.

Size: ``WIJKPULS_TEST_FLUSH_EVENTS`` (default 3,000 events).
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from fixtures.private_redis import PrivateRedis, private_redis
from fixtures.replay_support import (
    ANALIST_KEY,
    checked_gewijzigd,
    describe_snapshot,
    events_topic,
    figures_diff,
    generated_stream,
    group_lag,
    produce,
    reference_figures,
    served_figures,
    set_today,
    settle,
    snapshot_diff,
    wait_until,
    worker,
    worker_env,
)
from fixtures.two_year_stream import TODAY
from fixtures.vroegsignaal_kafka_support import as_vroegsignaal_record
from fixtures.vroegsignaal_kafka_support import produce as produce_records

from demo.vroegsignaal_output import catalog_events
from demo.vroegsignalen import VroegsignaalOptions, plan_vroegsignalering
from services.reporting.app import create_app
from services.reporting.settings import ReportingSettings, Settings
from shared.contract.alert_keys import AlertKeys
from shared.contract.events.accepted import ACCEPTED_HEADER, accepted_header
from shared.contract.topics import Topic, topic_name
from shared.contract.view_keys import ViewKeys
from shared.platform.kafka_admin import delete_topics_with_prefix, ensure_topics
from shared.platform.problems import PROBLEM_JSON
from shared.platform.settings import KafkaSettings, RedisSettings, get_domain_config

pytestmark = pytest.mark.e2e

EVENTS = int(os.environ.get("WIJKPULS_TEST_FLUSH_EVENTS", "3000"))
SETTLE_S = 240.0
PATHS = ("/api/v1/kpi/doorlooptijd", "/api/v1/wachtend")


def vroegsignalen_topic(kafka: KafkaSettings) -> str:
    return topic_name(Topic.VROEGSIGNALEN, kafka)


def vroegsignaal_records() -> list[Any]:
    """Two months of generated vroegsignalen, in their topic's layout, each stamped as the
    signals service stamps it at a moment that is the same in every run (its event time plus
    its place in the stream, in ms): both topics give the same ``gewijzigd``."""
    options = VroegsignaalOptions(start=date(2025, 1, 1), months=2, seed=11)
    events = catalog_events(plan_vroegsignalering(options, get_domain_config()))
    partitions = KafkaSettings().vroegsignalen_partitions
    records = []
    for n, event in enumerate(events):
        key, value, headers, partition = as_vroegsignaal_record(event, partitions)
        stamp = accepted_header(event.time.astimezone(UTC) + timedelta(milliseconds=n))
        records.append((key, value, [*headers, stamp], partition))
    return records


async def produce_vroegsignalen(bootstrap: str, topic: str) -> None:
    await produce_records(bootstrap, topic, vroegsignaal_records())


def checked_vroegsignalen_gewijzigd(found: dict[str, Any]) -> int:
    """Every vroegsignalen cell has a ``gewijzigd``, each one of the records' stamps; how many."""
    _, pairs = found.get("wp:gewijzigd", ("hash", []))
    kpis = ("bereik-vroegsignalering", "vroegsignalen")
    times = {k.decode(): v.decode() for k, v in pairs if k.decode().split("|")[0] in kpis}
    _, members = found["wp:cells"]
    cells = {c.decode() for c in members if c.decode().split("|")[0] in kpis}
    assert cells, "no vroegsignalen cell in the view"
    assert not cells - set(times), f"cells without gewijzigd: {sorted(cells - set(times))[:5]}"
    stamps = {v.decode() for _, _, h, _ in vroegsignaal_records() for n, v in h
              if n == ACCEPTED_HEADER}  # fmt: skip
    assert set(times.values()) <= stamps, sorted(set(times.values()) - stamps)[:5]
    return len(times)


def complete(client: redis.Redis, kafka: KafkaSettings) -> bool:
    keys = ViewKeys(kafka.topic_prefix).markers(
        {"events": kafka.events_partitions, "vroegsignalen": kafka.vroegsignalen_partitions}
    )
    return bool(client.exists(*(key for _, _, key in keys)) == len(keys))


def set_date(client: redis.Redis, prefix: str) -> None:
    client.set(AlertKeys(prefix).today_override, TODAY.isoformat())


def flush(client: redis.Redis, prefix: str) -> None:
    """FLUSHALL, with the test date set again in the same transaction."""
    with client.pipeline(transaction=True) as pipe:
        pipe.flushall()
        set_date(pipe, prefix)
        pipe.execute()


def test_a_lost_figures_store_is_rebuilt_by_the_worker_alone(
    kafka_bootstrap: str, redis_url: str, tmp_path: Path
) -> None:
    stream = generated_stream(EVENTS)
    thirds = [stream.records[i * EVENTS // 3 : (i + 1) * EVENTS // 3] for i in range(3)]
    run = uuid.uuid4().hex[:8]
    clean = KafkaSettings(bootstrap_servers=kafka_bootstrap, topic_prefix=f"clean-{run}-")
    fault = KafkaSettings(bootstrap_servers=kafka_bootstrap, topic_prefix=f"flush-{run}-")
    for kafka in (clean, fault):
        ensure_topics(kafka, get_domain_config())
    shared = redis.Redis.from_url(redis_url)
    figures: dict[str, Any] = {}
    try:
        with private_redis(tmp_path) as store:
            private = redis.Redis.from_url(store.url)
            set_today(shared, clean.topic_prefix)
            set_today(private, fault.topic_prefix)
            asyncio.run(produce(kafka_bootstrap, events_topic(clean), stream.records))
            asyncio.run(produce(kafka_bootstrap, events_topic(fault), thirds[0]))
            for kafka in (clean, fault):  # vroegsignalen too: their figures are rebuilt as well
                asyncio.run(produce_vroegsignalen(kafka_bootstrap, vroegsignalen_topic(kafka)))
            with (
                worker(worker_env(clean, redis_url), tmp_path / "clean", tmp_path / "clean.log"),
                worker(worker_env(fault, store.url), tmp_path / "fault", tmp_path / "fault.log"),
            ):
                wait_until(
                    lambda: complete(private, fault) and group_lag(fault).total == 0,
                    SETTLE_S,
                    "the first third in the figures",
                    lambda: str(group_lag(fault).to_dict()),
                )
                figures |= asyncio.run(_faults(store, private, fault, thirds[1], thirds[2]))
                clean_view = settle(clean, shared, EVENTS, SETTLE_S, quiet_s=1.0)
                fault_view = settle(fault, private, EVENTS, SETTLE_S, quiet_s=1.0)
                assert complete(private, fault), "the rebuilt view is not marked complete"
            assert fault_view == clean_view, snapshot_diff(clean_view, fault_view)
            figures["gewijzigd"] = checked_gewijzigd(clean_view, stream)
            figures["gewijzigd_vroegsignalen"] = checked_vroegsignalen_gewijzigd(clean_view)
            served = served_figures(store.url, fault.topic_prefix, TODAY)
            expected = reference_figures(stream.events, TODAY)
            assert served == expected, figures_diff(served, expected)
            private.close()
    finally:
        for key in shared.scan_iter(match=f"{clean.topic_prefix}wp:*", count=2000):
            shared.delete(key)
        shared.close()
        for kafka in (clean, fault):
            delete_topics_with_prefix(kafka, kafka.topic_prefix)
    print(  # the figures for docs/reliability.md
        f"\nredis flush and restart: events sent {EVENTS}, acknowledged "
        f"{len(thirds[0]) + figures.pop('acknowledged')}, "
        f"view {describe_snapshot(fault_view)} equal to the "
        f"clean run's (lost 0, doubled 0); {figures}"
    )


async def _faults(
    store: PrivateRedis,
    client: redis.Redis,
    kafka: KafkaSettings,
    during_flush: list[Any],
    during_restart: list[Any],
) -> dict[str, Any]:
    """FLUSHALL under the second third, a restart under the last; the reporting asked before,
    during and after each. One task asks and breaks Redis in turn, so no request is half-way
    through when the store goes."""
    settings = Settings(
        kafka=KafkaSettings(topic_prefix=kafka.topic_prefix),
        redis=RedisSettings(url=store.url),
        reporting=ReportingSettings(api_keys={ANALIST_KEY: "analist"}, view_markers_required=True),
    )
    app = create_app(settings, today=lambda: TODAY)
    seen: Counter[str] = Counter()
    recovery: dict[str, float] = {}  # seconds from the fault to the figures served again
    acknowledged = 0
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://reporting") as http,
    ):

        async def ask() -> bool:
            """One round: /ready, a KPI and a list; True when the figures were served."""
            ready = await http.get("/ready")
            assert (ready.status_code == 200) is ready.json()["ready"], ready.text
            seen["ready" if ready.json()["ready"] else "not ready"] += 1
            served = True
            for path in PATHS:
                answer = await http.get(path, headers={"X-API-Key": ANALIST_KEY})
                if answer.status_code == 200:
                    body = answer.json()
                    assert body.get("cells") or body.get("total"), f"a 200 without figures: {body}"
                    continue
                served = False
                assert answer.status_code == 503, answer.text
                assert answer.headers["content-type"] == PROBLEM_JSON
                slug = answer.json()["type"].rsplit("/", 1)[1]
                assert slug in ("figures-rebuilding", "figures-unavailable"), answer.text
                if slug == "figures-rebuilding":
                    assert answer.json()["title"] == "Cijfers worden opnieuw opgebouwd"
                    assert int(answer.headers["retry-after"]) > 0
                seen[slug] += 1
            return served

        async def fault(name: str, records: list[Any], act: Callable[[], None]) -> None:
            nonlocal acknowledged
            sent = [0]
            producer = asyncio.create_task(
                produce(kafka.bootstrap_servers, events_topic(kafka), records, 50, 0.05, sent)
            )
            assert await ask(), f"the figures were not served before the {name}"
            await asyncio.sleep(0.2)
            started = time.monotonic()
            act()
            while not await ask():
                assert time.monotonic() - started < 120, f"no rebuild 120 s after the {name}"
                await asyncio.sleep(0.05)
            recovery[name] = round(time.monotonic() - started, 2)
            await producer
            acknowledged += sent[0]

        await fault("flush", during_flush, lambda: flush(client, kafka.topic_prefix))
        await fault(
            "restart",
            during_restart,
            lambda: store.restart_empty(lambda new: set_date(new, kafka.topic_prefix)),
        )
        assert await ask()
        assert (await http.get("/ready")).json()["checks"] == {"redis": True, "figures": True}
    assert seen["figures-rebuilding"] > 0 and seen["not ready"] > 0, seen
    return {"answers": dict(seen), "to served (s)": recovery, "acknowledged": acknowledged}
