"""Scale-out: KPI workers in one consumer group split the events partitions, and losing one
with SIGKILL mid-stream neither loses nor counts twice anything.

Exactly-once is not asked of faust (at-least-once, docs/operations.md): a record the killed
worker processed after its last commit is processed again by the survivor, and that must not
matter, because the zaak's state ignores an event id it has seen and the Redis sink replaces
a zaak's contribution atomically.

One stream of ``WIJKPULS_TEST_SCALE_OUT_EVENTS`` events (default 10,000; the quirks of
tests/fixtures/replay_support.py) is processed three times, each on its own topics:

- by one worker: the figures served are the independent reference's, and its Redis view is
  the yardstick for the two runs below;
- by two workers (separate processes, data dirs and web ports), the second joining while the
  first is already busy: the same view, byte for byte;
- by two workers while the stream is still being produced, one killed with SIGKILL once
  every partition has committed offsets: the survivor takes over its partitions (faust's
  session timeout is lowered to 6 s for the tests) and the final view is the same again, and
  the figures are the reference's.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from fixtures.replay_support import (
    Snapshot,
    Stream,
    alert_record_ids,
    committed,
    describe_snapshot,
    drop_view,
    events_assignment,
    events_topic,
    figures_diff,
    generated_stream,
    group_lag,
    produce,
    reference_figures,
    served_figures,
    set_today,
    settle,
    snapshot,
    snapshot_diff,
    wait_until,
    worker,
    worker_env,
    wrong_zaken,
)

from shared.contract.topics import TopicSpec
from shared.platform.kafka_admin import delete_topics_with_prefix, ensure_topics
from shared.platform.settings import KafkaSettings, get_domain_config

pytestmark = pytest.mark.integration

EVENTS = int(os.environ.get("WIJKPULS_TEST_SCALE_OUT_EVENTS", "10000"))
SETTLE_S = 120 + EVENTS / 40


@dataclass(frozen=True)
class OneWorker:
    stream: Stream
    expected: dict[str, dict[Any, Any]]
    view: Snapshot
    seconds: float


@pytest.fixture(scope="module")
def one_worker(
    kafka_bootstrap: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OneWorker]:
    """The stream processed by a single worker on topics of its own: the yardstick."""
    stream = generated_stream(EVENTS)
    expected = reference_figures(stream.events)
    kafka = KafkaSettings(
        bootstrap_servers=kafka_bootstrap, topic_prefix=f"test-{uuid.uuid4().hex[:12]}-"
    )
    client = redis.Redis.from_url(redis_url)
    tmp = tmp_path_factory.mktemp("one-worker")
    try:
        ensure_topics(kafka, get_domain_config())
        set_today(client, kafka.topic_prefix)
        asyncio.run(produce(kafka.bootstrap_servers, events_topic(kafka), stream.records))
        started = time.monotonic()
        with worker(worker_env(kafka, redis_url), tmp / "kpi", tmp / "kpi.log"):
            view = settle(kafka, client, EVENTS, SETTLE_S)
        seconds = time.monotonic() - started
        served = served_figures(redis_url, kafka.topic_prefix)
        wrong = wrong_zaken(client, kafka.topic_prefix, stream)
        assert served == expected, figures_diff(served, expected) + "\n" + wrong
        assert not wrong, wrong
        yield OneWorker(stream, expected, view, seconds)
    finally:
        drop_view(client, kafka.topic_prefix)
        client.close()
        delete_topics_with_prefix(kafka, kafka.topic_prefix)


def test_one_worker_serves_the_reference_figures(one_worker: OneWorker):
    stats = one_worker.stream.stats()
    assert stats["duplicates"] > EVENTS * 0.03, stats
    print(f"\none worker: {stats} in {one_worker.seconds:.0f} s, view "
          f"{describe_snapshot(one_worker.view)}")  # fmt: skip


def test_two_workers_in_one_group_give_the_same_view_as_one(
    one_worker: OneWorker,
    kafka_settings: KafkaSettings,
    kafka_topics: list[TopicSpec],
    redis_url: str,
    tmp_path: Path,
):
    prefix = kafka_settings.topic_prefix
    client = redis.Redis.from_url(redis_url)
    env = worker_env(kafka_settings, redis_url)
    try:
        set_today(client, prefix)
        records = one_worker.stream.records
        asyncio.run(
            produce(kafka_settings.bootstrap_servers, events_topic(kafka_settings), records)
        )
        started = time.monotonic()
        with worker(env, tmp_path / "kpi-1", tmp_path / "kpi-1.log"):
            # The first is busy with all six partitions when the second joins.
            wait_until(lambda: len(snapshot(client, prefix)) > 200, 60, "the first worker")
            with worker(env, tmp_path / "kpi-2", tmp_path / "kpi-2.log"):
                wait_until(lambda: _split(kafka_settings), 90, "a group of two sharing the work")
                view = settle(kafka_settings, client, EVENTS, SETTLE_S)
        seconds = time.monotonic() - started
        assert view == one_worker.view, snapshot_diff(one_worker.view, view)
    finally:
        drop_view(client, prefix)
        client.close()
    print(f"\ntwo workers: {seconds:.0f} s (one worker: {one_worker.seconds:.0f} s)")


def test_a_worker_killed_mid_stream_loses_and_doubles_nothing(
    one_worker: OneWorker,
    kafka_settings: KafkaSettings,
    kafka_topics: list[TopicSpec],
    redis_url: str,
    tmp_path: Path,
):
    prefix, bootstrap = kafka_settings.topic_prefix, kafka_settings.bootstrap_servers
    client = redis.Redis.from_url(redis_url)
    env = worker_env(kafka_settings, redis_url)
    records = one_worker.stream.records
    sent = [0]
    failure: list[BaseException] = []

    def producing() -> None:
        try:  # ~15 s of production, so the kill falls in the middle of it
            every = max(50, len(records) // 150)
            asyncio.run(produce(bootstrap, events_topic(kafka_settings), records, every, 0.1, sent))
        except BaseException as exc:  # reported by the test thread
            failure.append(exc)

    producer = threading.Thread(target=producing, daemon=True)
    try:
        set_today(client, prefix)
        started = time.monotonic()
        with (
            worker(env, tmp_path / "kpi-1", tmp_path / "kpi-1.log"),
            worker(env, tmp_path / "kpi-2", tmp_path / "kpi-2.log") as victim,
        ):
            wait_until(lambda: _split(kafka_settings), 90, "a group of two sharing the work")
            producer.start()
            wait_until(
                lambda: _all_committed(kafka_settings),
                90,
                "a commit on every partition",
                lambda: _state(kafka_settings, sent[0], failure, tmp_path),
            )
            at_kill = {"sent": sent[0], "committed": sum(committed(kafka_settings).values())}
            victim.kill()  # SIGKILL: no commit, no leaving the group, no flush
            victim.wait()
            assert producer.is_alive() and at_kill["sent"] < len(records), (
                f"the kill came after the production ended: {at_kill}"
            )
            killed_at = time.monotonic()
            wait_until(
                lambda: events_assignment(kafka_settings)[1] == [_all(kafka_settings)],
                90,
                "the survivor holding every partition",
                lambda: _state(kafka_settings, sent[0], failure, tmp_path),
            )
            takeover_s = time.monotonic() - killed_at
            producer.join(120)
            assert not failure, failure
            view = settle(kafka_settings, client, len(records), SETTLE_S)
        seconds = time.monotonic() - started
        served = served_figures(redis_url, prefix)
        assert served == one_worker.expected, (
            figures_diff(served, one_worker.expected)
            + "\n"
            + wrong_zaken(client, prefix, one_worker.stream)
        )
        assert view == one_worker.view, snapshot_diff(one_worker.view, view)
        alerts = alert_record_ids(kafka_settings)
    finally:
        drop_view(client, prefix)
        client.close()
    print(f"\nkilled one of two at {at_kill} of {len(records)} records; the survivor held every "
          f"partition {takeover_s:.0f} s later; done in {seconds:.0f} s; alerts topic: "
          f"{sum(alerts.values())} records, {len(alerts)} alert ids (repeats: records processed "
          "again after the kill)")  # fmt: skip


def _split(kafka: KafkaSettings) -> bool:
    """Two members, each with some events partitions, together all of them."""
    state, members = events_assignment(kafka)
    return (
        state == "Stable"
        and len(members) == 2
        and all(members)
        and set().union(*members) == _all(kafka)
    )


def _all(kafka: KafkaSettings) -> set[int]:
    return set(range(kafka.events_partitions))


def _state(kafka: KafkaSettings, sent: int, failure: list[BaseException], logs: Path) -> str:
    """What a failed wait saw: the group, the producer and the end of each worker's log."""
    tails = "\n".join(
        f"--- {log.name}\n{log.read_text(errors='replace')[-2500:]}"
        for log in sorted(logs.glob("kpi-*.log"))
    )
    return f"group: {group_lag(kafka).to_dict()}\nsent {sent}, producer failure {failure}\n{tails}"


def _all_committed(kafka: KafkaSettings) -> bool:
    offsets = committed(kafka)
    return set(offsets) == _all(kafka) and min(offsets.values()) > 0
