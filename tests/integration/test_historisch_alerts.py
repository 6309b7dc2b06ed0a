"""A gemeente's history loaded on the first day, in any order and in any number of batches,
gives exactly the historisch alerts its complete histories support (docs/domain.md#alerts).

The two-year stream (tests/fixtures/two_year_stream.py: missing stopping events, zaken
closed instead, corrections after a past peildatum) is shuffled and cut into batches; each
batch goes to the events topic and the real KPI worker reads it to lag 0 before the next one
comes, so the worker decides with the facts that have arrived so far. Its clock stands on a
day after the last event. At the end the historisch alerts in the Redis feed must be exactly
the (zaak, clock, kind) that the independent reference (tests/reference/termijnen.py) derives
from the final histories: none kept from a batch whose facts a later batch overtook.
Hypothesis draws the orders and batch counts (two examples: each is a worker run).
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from pathlib import Path

import pytest
import redis
from fixtures.replay_support import (
    TODAY,
    drop_view,
    events_topic,
    generated_stream,
    produce,
    set_today,
    settle,
    worker,
    worker_env,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference.termijnen import expected_alerts

from shared.contract.alert_keys import AlertKeys
from shared.platform.kafka_admin import delete_topics_with_prefix, ensure_topics
from shared.platform.settings import KafkaSettings, get_domain_config

pytestmark = pytest.mark.integration

EVENTS = 1_500
KIND = {"alert.waarschuwing": "waarschuwing", "alert.termijn-overschreden": "termijn-overschreden"}
KIND["alert.opgelost-na-termijn"] = "opgelost-na-termijn"


def feed(client: redis.Redis, prefix: str) -> tuple[set[tuple[str, str, str]], int]:
    """(zaak, clock, kind) of the historisch entries of the alert feed, and the pushed count."""
    historisch, pushed = set(), 0
    for raw in client.hvals(AlertKeys(prefix).alerts):
        alert = json.loads(raw)
        kind = KIND[alert["type"].removeprefix("nl.helmond.sociaaldomein.")]
        if alert["historisch"]:
            historisch.add((alert["zaak_id"], alert["clock"], kind))
        else:
            pushed += 1
    return historisch, pushed


@settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 2**32 - 1), batches=st.integers(2, 4))
def test_a_historical_load_in_any_order_gives_the_alerts_the_full_histories_support(
    seed: int, batches: int, kafka_bootstrap: str, redis_url: str, tmp_path: Path
) -> None:
    stream = generated_stream(EVENTS)
    expected = expected_alerts(stream.events, TODAY)
    order = list(stream.records)
    random.Random(seed).shuffle(order)
    size = -(-len(order) // batches)

    prefix = f"test-{uuid.uuid4().hex[:12]}-"
    kafka = KafkaSettings(bootstrap_servers=kafka_bootstrap, topic_prefix=prefix)
    ensure_topics(kafka, get_domain_config())
    client = redis.Redis.from_url(redis_url)
    run = tmp_path / prefix
    run.mkdir(parents=True)
    try:
        set_today(client, prefix)  # the worker's clock: after every event of the stream
        with worker(worker_env(kafka, redis_url), run / "data", run / "kpi.log"):
            topic = events_topic(kafka)
            for start in range(0, len(order), size):
                batch = order[start : start + size]
                asyncio.run(produce(kafka.bootstrap_servers, topic, batch))
                settle(kafka, client, start + len(batch), 240)
        historisch, pushed = feed(client, prefix)
    finally:
        drop_view(client, prefix)
        client.close()
        delete_topics_with_prefix(kafka, prefix)

    assert expected, "the stream gives no alerts: the test would show nothing"
    assert pushed == 0, f"{pushed} alerts pushed from a load read long after its days"
    missing, extra = sorted(expected - historisch), sorted(historisch - expected)
    assert not missing and not extra, (
        f"order seed {seed}, {batches} batches: {len(missing)} missing {missing[:5]}, "
        f"{len(extra)} not supported by the full histories {extra[:5]}"
    )
