"""A full replay gives the same Redis view, byte for byte, and every figure is the reference's.

One generated stream (tests/fixtures/replay_support.py: ``WIJKPULS_TEST_STREAM_EVENTS``
events, default 20,000 over two years, with duplicates, events out of order, late events,
corrections, missing stopping events, zaken closed instead, and besluiten corrected to after a
past peildatum) goes to the events topic. A KPI worker consumes it until the group's lag is 0
and the view stops changing; the five KPIs and open over termijn per clock, as the reporting
API serves them, then equal the independent reference (tests/reference) cell by cell, today
and at a past peildatum inside running periodes. The worker is stopped,
``python -m services.kpi.operations.reset`` forgets its offsets, changelog, local state and
the Redis view (keeping the webhook delivery marks), and a new worker replays the topic: every
key of the view is identical to the first run's.

The big run (documented in docs/operations.md)::

    WIJKPULS_TEST_STREAM_EVENTS=100000 .venv/bin/pytest tests/integration/test_replay.py -s
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
import redis
from fixtures.replay_support import (
    PEILDATA,
    STREAM_EVENTS,
    checked_gewijzigd,
    counted,
    describe_snapshot,
    drop_view,
    events_topic,
    figures_diff,
    generated_stream,
    group_lag,
    produce,
    reference_figures,
    reset,
    served_figures,
    set_today,
    settle,
    snapshot,
    snapshot_diff,
    view_complete,
    wait_until,
    worker,
    worker_env,
    wrong_zaken,
)

from shared.contract.alert_keys import AlertKeys
from shared.contract.topics import TopicSpec
from shared.platform.settings import KafkaSettings

pytestmark = pytest.mark.integration


def settle_timeout(events: int) -> float:
    return 120 + events / 50  # far above the worker's rate on a busy 2-core machine


def test_reset_and_replay_give_the_same_view_and_the_reference_figures(
    kafka_settings: KafkaSettings,
    kafka_topics: list[TopicSpec],
    redis_url: str,
    tmp_path: Path,
):
    started = time.monotonic()
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        timings[name] = round(time.monotonic() - started - sum(timings.values()), 1)

    stream = generated_stream(STREAM_EVENTS)
    stats = stream.stats()
    assert stats["duplicates"] > STREAM_EVENTS * 0.03, stats
    expected = {day: reference_figures(stream.events, day) for day in PEILDATA}
    lap("generate + reference")

    prefix, bootstrap = kafka_settings.topic_prefix, kafka_settings.bootstrap_servers
    topic = events_topic(kafka_settings)
    client = redis.Redis.from_url(redis_url)
    env = worker_env(kafka_settings, redis_url)
    data = tmp_path / "kpi-data"
    # A delivery mark of the webhook dispatcher: the reset must keep it.
    mark = AlertKeys(prefix).delivered("0123456789ab", "alert-1")
    try:
        set_today(client, prefix)
        client.set(mark, "1")
        asyncio.run(produce(bootstrap, topic, stream.records))
        lap("produce")

        with worker(env, data, tmp_path / "kpi-1.log"):
            first = settle(kafka_settings, client, STREAM_EVENTS, settle_timeout(STREAM_EVENTS))
        lap("first run")
        dated = checked_gewijzigd(first, stream)
        wrong = wrong_zaken(client, prefix, stream)
        for day in PEILDATA:
            served = served_figures(redis_url, prefix, day)
            assert served == expected[day], f"on {day}: " + figures_diff(served, expected[day])
            totals = counted(served)
            assert all(n > 0 for n in totals.values()), (day, totals)
        assert not wrong, wrong

        dry = reset(env, [data], "--dry-run")
        assert "dry run: nothing deleted" in dry
        assert snapshot(client, prefix) == first, "the dry run changed the view"
        done = reset(env, [data])
        assert snapshot(client, prefix) == {}, "the reset left part of the view"
        assert not list(client.scan_iter(match=f"{prefix}wp:view:*")), "markers survived"
        assert client.get(mark) == b"1", "the reset deleted a webhook delivery mark"
        assert group_lag(kafka_settings).total == STREAM_EVENTS, "offsets survived"
        assert not list((data).glob("v*")), "local table state survived"
        lap("reset")

        with worker(env, data, tmp_path / "kpi-2.log"):
            # Not complete (the reporting answers 503) until the replay has caught up.
            assert group_lag(kafka_settings).total > 0, "the replay was over before the check"
            assert not view_complete(client, kafka_settings), "half a replay marked complete"
            second = settle(kafka_settings, client, STREAM_EVENTS, settle_timeout(STREAM_EVENTS))
            wait_until(lambda: view_complete(client, kafka_settings), 30, "the replay's markers")
        lap("replay")
        assert second == first, snapshot_diff(first, second)
    finally:
        drop_view(client, prefix)
        client.close()

    print(f"\nreplay of {stats}: view {describe_snapshot(first)}, gewijzigd of {dated} cells")
    print(f"gemeente totals over the months: {totals}")
    print(f"timings (s): {timings}; reset said:\n{done}")
