"""The pinned client libraries against the real broker of the pinned Kafka version.

Why: Kafka 4 removed old protocol versions (KIP-896), and the project uses three client
libraries (kafka-python for administration, aiokafka in the services, faust-streaming in
kpi). These tests are the evidence for the version choice in docs/infrastructure.md: each
library does what the project needs from it, on this broker, without warnings.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import faust
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from shared.contract.topics import DAY_MS, Topic, TopicSpec, topic_name, topic_specs
from shared.platform.kafka_admin import admin_client, describe_topics, ensure_specs, ensure_topics
from shared.platform.settings import KafkaSettings, get_domain_config

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def test_kafka_python_admin_creates_and_describes_topics(
    kafka_bootstrap: str, topic_prefix: str
) -> None:
    name = f"{topic_prefix}kafka-python"
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        created = admin.create_topics(
            {
                name: {
                    "num_partitions": 3,
                    "replication_factor": 1,
                    "configs": {"retention.ms": str(DAY_MS)},
                }
            },
            wait_for_metadata=True,
        )
        assert [t["error_code"] for t in created["topics"]] == [0]
        (described,) = admin.describe_topics([name])
        assert described["name"] == name
        assert sorted(p["partition_index"] for p in described["partitions"]) == [0, 1, 2]
        assert all(p["leader_id"] >= 0 for p in described["partitions"])
        configs = admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, name, ["retention.ms"])]
        )
        assert configs["topic"][name]["retention.ms"]["value"] == str(DAY_MS)
    finally:
        admin.close()


def test_kafka_python_idempotent_producer_and_consumer(
    kafka_bootstrap: str, kafka_topics: list[TopicSpec], group_id: str
) -> None:
    events = kafka_topics[0].name
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", enable_idempotence=True)
    try:
        sent = [
            producer.send(events, key=b"zaak-%d" % (i % 3), value=b"event-%d" % i).get(timeout=30)
            for i in range(12)
        ]
    finally:
        producer.close()
    # Same key, same partition: one zaak is always read in order (docs/domain.md#event-contract).
    by_key: dict[int, set[int]] = {}
    for i, meta in enumerate(sent):
        by_key.setdefault(i % 3, set()).add(meta.partition)
    assert all(len(partitions) == 1 for partitions in by_key.values())

    consumer = KafkaConsumer(
        events,
        bootstrap_servers=kafka_bootstrap,
        group_id=group_id,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=15_000,
    )
    try:
        received = []
        for record in consumer:
            received.append(record)
            if len(received) == 12:
                break
        consumer.commit()
    finally:
        consumer.close()
    assert sorted(r.value for r in received) == sorted(b"event-%d" % i for i in range(12))
    for key in {r.key for r in received}:
        in_partition = [r.offset for r in received if r.key == key]
        assert in_partition == sorted(in_partition)


async def test_aiokafka_produces_and_consumes(
    kafka_bootstrap: str, kafka_topics: list[TopicSpec], group_id: str
) -> None:
    events = kafka_topics[0].name
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka_bootstrap, acks="all", enable_idempotence=True
    )
    await producer.start()
    try:
        for i in range(10):
            await producer.send_and_wait(events, key=b"zaak-1", value=b"aio-%d" % i)
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        events,
        bootstrap_servers=kafka_bootstrap,
        group_id=group_id,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    values: list[bytes] = []
    try:
        async with asyncio.timeout(30):
            while len(values) < 10:
                batches = await consumer.getmany(timeout_ms=500)
                values += [r.value for batch in batches.values() for r in batch]
        await consumer.commit()
    finally:
        await consumer.stop()
    assert values == [b"aio-%d" % i for i in range(10)]  # one key: in order


async def test_faust_declares_a_topic_with_its_partitions(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    app = faust.App(
        f"{topic_prefix}declare",
        broker=f"kafka://{kafka_bootstrap}",
        datadir=str(tmp_path),
        web_enabled=False,
    )
    name = f"{topic_prefix}faust-declared"
    topic = app.topic(name, partitions=4, retention=3600.0)
    try:
        await topic.maybe_declare()
        await topic.maybe_declare()  # a second declare of an existing topic is a no-op
    finally:
        await app.producer.stop()
    with admin_client(KafkaSettings(bootstrap_servers=kafka_bootstrap)) as admin:
        state = describe_topics(admin, [name])[name]
    assert state.partitions == 4
    assert state.config["retention.ms"] == str(3600 * 1000)


def test_faust_worker_consumes_in_a_group_and_keeps_a_table(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    """A real ``faust worker`` process: consumer group, assignor, changelog topic, producer."""
    settings = KafkaSettings(bootstrap_servers=kafka_bootstrap, topic_prefix=topic_prefix)
    source, sink = f"{topic_prefix}faust-in", f"{topic_prefix}faust-out"
    with admin_client(settings) as admin:
        ensure_specs(admin, [TopicSpec(source, 3, DAY_MS), TopicSpec(sink, 1, DAY_MS)], 1)

    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    try:
        for i in range(6):
            producer.send(source, key=b"zaak-%d" % (i % 2), value=b"%d" % i).get(timeout=30)
    finally:
        producer.close()

    log = tmp_path / "worker.log"
    env = {
        "FAUST_PROBE_BROKER": f"kafka://{kafka_bootstrap}",
        "FAUST_PROBE_ID": f"{topic_prefix}worker",
        "FAUST_PROBE_SOURCE": source,
        "FAUST_PROBE_SINK": sink,
        "FAUST_PROBE_DATADIR": str(tmp_path / "data"),
    }
    expected = {b"zaak-0": b"3", b"zaak-1": b"3"}
    counts: dict[bytes, bytes] = {}
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "faust",
                "-A",
                "tests.integration.faust_probe_app",
                "worker",
                "--without-web",
                "--loglevel",
                "warn",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        consumer = KafkaConsumer(
            sink,
            bootstrap_servers=kafka_bootstrap,
            auto_offset_reset="earliest",
            group_id=f"{topic_prefix}reader",
        )
        try:
            deadline = time.monotonic() + 90
            while counts != expected and worker.poll() is None and time.monotonic() < deadline:
                for batch in consumer.poll(timeout_ms=500).values():
                    counts.update((r.key, r.value) for r in batch)
        finally:
            consumer.close()
            worker.terminate()
            worker.wait(timeout=60)
    assert counts == {b"zaak-0": b"3", b"zaak-1": b"3"}, log.read_text()[-3000:]
    with admin_client(settings) as admin:
        topics = set(admin.list_topics())
    assert any(n.startswith(f"{topic_prefix}worker-counts-changelog") for n in topics)


def test_ensure_topics_creates_the_events_topic_with_partitions_and_retention(
    kafka_settings: KafkaSettings,
) -> None:
    domain = get_domain_config()
    outcomes = ensure_topics(kafka_settings, domain)
    assert all(o.changes and o.changes[0].startswith("created") for o in outcomes)

    events = topic_name(Topic.EVENTS, kafka_settings)
    with admin_client(kafka_settings) as admin:
        state = describe_topics(admin, [s.name for s in topic_specs(kafka_settings, domain)])
    assert state[events].partitions >= 6
    assert state[events].partitions == kafka_settings.events_partitions
    assert state[events].config["retention.ms"] == str(domain.retention.topics.events_days * DAY_MS)
    assert state[events].config["cleanup.policy"] == "delete"
    for spec in topic_specs(kafka_settings, domain):
        assert state[spec.name].partitions == spec.partitions
        assert state[spec.name].config["retention.ms"] == str(spec.retention_ms)

    again = ensure_topics(kafka_settings, domain)  # idempotent
    assert [o.changes for o in again] == [()] * len(again)


def test_ensure_topics_grows_partitions_and_corrects_retention(
    kafka_settings: KafkaSettings,
) -> None:
    name = f"{kafka_settings.topic_prefix}grow"
    with admin_client(kafka_settings) as admin:
        ensure_specs(admin, [TopicSpec(name, 2, DAY_MS)], 1)
        (outcome,) = ensure_specs(admin, [TopicSpec(name, 6, 7 * DAY_MS)], 1)
        assert outcome.changes == (
            "partitions increased 2 -> 6",
            f"retention.ms {DAY_MS} -> {7 * DAY_MS}",
        )
        # The broker applies a config change through its metadata log: wait until a describe
        # shows it, or the next call would rightly see the old value and change it again.
        deadline = time.monotonic() + 15
        while describe_topics(admin, [name])[name].config.get("retention.ms") != str(7 * DAY_MS):
            assert time.monotonic() < deadline, "the retention change never became visible"
            time.sleep(0.2)
        (shrink,) = ensure_specs(admin, [TopicSpec(name, 3, 7 * DAY_MS)], 1)
        assert shrink.changes == ()
        assert shrink.notes and "cannot shrink" in shrink.notes[0]
        state = describe_topics(admin, [name])[name]
    assert state.partitions == 6
    assert state.config["retention.ms"] == str(7 * DAY_MS)


def test_ensure_topics_command_line(kafka_bootstrap: str, topic_prefix: str) -> None:
    """The entry point deploy/local/up.sh and the compose topics job run."""
    done = subprocess.run(
        [sys.executable, "-m", "shared.platform.kafka_admin", "ensure-topics"],
        cwd=ROOT,
        env={
            **os.environ,
            "WIJKPULS_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "WIJKPULS_KAFKA_TOPIC_PREFIX": topic_prefix,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"{topic_prefix}wijkpuls.events: created" in done.stdout
