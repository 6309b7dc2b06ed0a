"""Topic administration: create the project's topics idempotently, and wait for the broker.

Why this exists: the brokers run with ``auto.create.topics.enable=false`` (local script and
compose alike), so every topic is created here, from ``shared.contract.topics.topic_specs`` (the one
place that names topics), with the partition count from settings and the retention from the
domain configuration. A topic created by accident with one partition would quietly break
"one zaak, one partition, in order" at scale; a retention left at the broker default would
quietly break "every figure can be rebuilt by replay".

Used by ``deploy/local/up.sh``, the compose ``topics`` job and the test fixtures::

    python -m shared.platform.kafka_admin ensure-topics   # create / grow / re-configure
    python -m shared.platform.kafka_admin wait            # block until the broker answers metadata

The admin work uses kafka-python's ``KafkaAdminClient`` (3.0 answers with plain dicts). The
wait loop uses aiokafka instead: kafka-python 3.0.12 leaks its IO thread and sockets when a
client cannot bootstrap, which a retry loop would multiply.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError as AIOKafkaError
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient
from kafka.errors import KafkaError, TopicAlreadyExistsError, UnknownTopicOrPartitionError

from shared.contract.topics import TopicSpec, topic_specs
from shared.core.domain_config import DomainConfig
from shared.platform.kafka_security import aiokafka_security, kafka_python_security
from shared.platform.settings import KafkaSettings, get_domain_config

_UNKNOWN_TOPIC = 3  # Kafka error code UNKNOWN_TOPIC_OR_PARTITION


class BrokerUnavailableError(RuntimeError):
    """The broker did not answer a metadata request within the allowed time."""


@dataclass(frozen=True)
class BrokerInfo:
    cluster_id: str
    broker_count: int


@dataclass(frozen=True)
class TopicState:
    """What the broker says about one topic: partition count and the configs we manage."""

    partitions: int
    config: dict[str, str]


@dataclass(frozen=True)
class TopicOutcome:
    """What ``ensure_topics`` did to one topic, in words an operator can read."""

    name: str
    partitions: int
    changes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def __str__(self) -> str:
        done = "; ".join(self.changes) or "unchanged"
        notes = "".join(f" (note: {n})" for n in self.notes)
        plural = "" if self.partitions == 1 else "s"
        return f"{self.name}: {done} [{self.partitions} partition{plural}]{notes}"


async def _describe_cluster(kafka: KafkaSettings, timeout_s: float) -> BrokerInfo:
    admin = AIOKafkaAdminClient(
        bootstrap_servers=kafka.bootstrap_servers,
        client_id="wijkpuls-admin-wait",
        request_timeout_ms=max(1000, int(timeout_s * 1000)),
        **aiokafka_security(kafka),
    )
    try:
        await asyncio.wait_for(admin.start(), timeout_s)
        cluster = await asyncio.wait_for(admin.describe_cluster(), timeout_s)
    finally:
        await admin.close()
    return BrokerInfo(str(cluster["cluster_id"]), len(cluster["brokers"]))


def wait_for_broker(kafka: KafkaSettings | str, timeout_s: float = 60.0) -> BrokerInfo:
    """Retry a metadata request until the broker answers; an open port is not enough.
    ``kafka``: the settings, or only a bootstrap address (the rest from the environment)."""
    if isinstance(kafka, str):
        kafka = KafkaSettings(bootstrap_servers=kafka)
    bootstrap = kafka.bootstrap_servers
    deadline = time.monotonic() + timeout_s
    last_error: BaseException | None = None
    while True:
        remaining = deadline - time.monotonic()
        try:
            return asyncio.run(_describe_cluster(kafka, max(1.0, min(5.0, remaining))))
        except (AIOKafkaError, OSError, TimeoutError) as exc:
            last_error = exc
        if time.monotonic() + 1.0 > deadline:
            raise BrokerUnavailableError(
                f"no Kafka broker answered at {bootstrap} within {timeout_s:.0f}s: {last_error}"
            ) from last_error
        time.sleep(1.0)


@contextmanager
def admin_client(kafka: KafkaSettings) -> Iterator[Any]:
    """A kafka-python admin client for the configured broker, closed afterwards."""
    admin = KafkaAdminClient(
        bootstrap_servers=kafka.bootstrap_servers,
        client_id="wijkpuls-admin",
        request_timeout_ms=kafka.request_timeout_ms,
        bootstrap_timeout_ms=kafka.request_timeout_ms,
        **kafka_python_security(kafka),
    )
    try:
        yield admin
    finally:
        admin.close()


def describe_topics(admin: Any, names: Sequence[str]) -> dict[str, TopicState]:
    """Partition count and explicitly set configs of the topics among ``names`` that exist."""
    found = {
        t["name"]: len(t["partitions"])
        for t in admin.describe_topics(list(names))
        if t["error_code"] != _UNKNOWN_TOPIC
    }
    if not found:
        return {}
    resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in found]
    configs: dict[str, dict[str, dict[str, Any]]] = admin.describe_configs(
        resources, config_filter="all"
    ).get("topic", {})
    return {
        name: TopicState(partitions, {k: str(v["value"]) for k, v in configs.get(name, {}).items()})
        for name, partitions in found.items()
    }


def _create(admin: Any, specs: Sequence[TopicSpec], replication_factor: int) -> set[str]:
    """Create the topics; returns the names that someone else created in the meantime."""
    result = admin.create_topics(
        {
            s.name: {
                "num_partitions": s.partitions,
                "replication_factor": replication_factor,
                "configs": s.config(),
            }
            for s in specs
        },
        raise_errors=False,
        wait_for_metadata=False,
    )
    raced: set[str] = set()
    for topic in result["topics"]:
        if topic["error_code"] == TopicAlreadyExistsError.errno:
            raced.add(topic["name"])
        elif topic["error_code"] != 0:
            raise KafkaError(
                f"cannot create topic {topic['name']}: error {topic['error_code']} "
                f"{topic.get('error_message') or ''}".strip()
            )
    created = [s.name for s in specs if s.name not in raced]
    if created:
        admin.wait_for_topics(created, timeout_ms=30_000)
    return raced


def ensure_specs(
    admin: Any, specs: Sequence[TopicSpec], replication_factor: int
) -> list[TopicOutcome]:
    """Make every spec true on the broker; never shrinks or deletes anything.

    Missing topics are created with their partitions and configs; an existing topic with fewer
    partitions grows (Kafka cannot shrink one, so more partitions than configured is only
    noted); a config that differs from the spec is set. Safe to run again and concurrently.
    """
    before = describe_topics(admin, [s.name for s in specs])
    missing = [s for s in specs if s.name not in before]
    raced = _create(admin, missing, replication_factor) if missing else set()
    if raced:
        before |= describe_topics(admin, sorted(raced))

    outcomes: list[TopicOutcome] = []
    grow: dict[str, int] = {}
    alter: list[Any] = []
    for spec in specs:
        state = before.get(spec.name)
        if state is None:
            outcomes.append(
                TopicOutcome(spec.name, spec.partitions, (f"created ({_fmt(spec.config())})",))
            )
            continue
        changes: list[str] = []
        notes: list[str] = []
        if state.partitions < spec.partitions:
            grow[spec.name] = spec.partitions
            changes.append(f"partitions increased {state.partitions} -> {spec.partitions}")
        elif state.partitions > spec.partitions:
            notes.append(
                f"has {state.partitions} partitions, more than the configured "
                f"{spec.partitions}; left as is (Kafka cannot shrink a topic)"
            )
        wrong = {k: v for k, v in spec.config().items() if state.config.get(k) != v}
        if wrong:
            alter.append(ConfigResource(ConfigResourceType.TOPIC, spec.name, wrong))
            changes += [f"{k} {state.config.get(k)} -> {v}" for k, v in sorted(wrong.items())]
        outcomes.append(
            TopicOutcome(
                spec.name, max(state.partitions, spec.partitions), tuple(changes), tuple(notes)
            )
        )
    if grow:
        admin.create_partitions(grow)
        admin.wait_for_topics(sorted(grow), timeout_ms=30_000)
    if alter:
        result = admin.alter_configs(alter)
        failed = {n: r for n, r in result.get("topic", {}).items() if r != "OK"}
        if failed:
            raise KafkaError(f"cannot change topic configs: {failed}")
    return outcomes


def ensure_topics(kafka: KafkaSettings, domain: DomainConfig) -> list[TopicOutcome]:
    """Create or update every topic of ``topic_specs(kafka, domain)``."""
    with admin_client(kafka) as admin:
        return ensure_specs(admin, topic_specs(kafka, domain), kafka.replication_factor)


def delete_topics_with_prefix(kafka: KafkaSettings, prefix: str) -> list[str]:
    """Delete every topic whose name starts with ``prefix`` (test isolation clean-up)."""
    if not prefix:
        raise ValueError("refusing to delete topics with an empty prefix")
    with admin_client(kafka) as admin:
        names = sorted(n for n in admin.list_topics() if n.startswith(prefix))
        if names:
            # another clean-up may have deleted one of them first: the goal is reached
            with contextlib.suppress(UnknownTopicOrPartitionError):
                admin.delete_topics(names)
    return names


def _fmt(config: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(config.items()))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shared.platform.kafka_admin",
        description="Kafka topic administration for Wijkpuls. Connection and topic settings "
        "come from the WIJKPULS_KAFKA_* environment (see docs/settings.md).",
    )
    parser.add_argument(
        "--bootstrap-servers", help="override WIJKPULS_KAFKA_BOOTSTRAP_SERVERS for this run"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    ensure = commands.add_parser(
        "ensure-topics",
        help="create missing topics, grow partitions, set retention; report what was done",
    )
    ensure.add_argument("--topic-prefix", help="override WIJKPULS_KAFKA_TOPIC_PREFIX")
    ensure.add_argument(
        "--wait",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="first wait this long for the broker to answer (default 60)",
    )
    wait = commands.add_parser("wait", help="wait until the broker answers metadata requests")
    wait.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="give up after this long (default 60)",
    )
    args = parser.parse_args(argv)

    overrides: dict[str, Any] = {}
    if args.bootstrap_servers:
        overrides["bootstrap_servers"] = args.bootstrap_servers
    if getattr(args, "topic_prefix", None) is not None:
        overrides["topic_prefix"] = args.topic_prefix
    kafka = KafkaSettings(**overrides)
    # aiokafka logs every refused connection while the broker starts; the final error says it.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    try:
        timeout = args.timeout if args.command == "wait" else args.wait
        info = wait_for_broker(kafka, timeout)
        print(
            f"broker at {kafka.bootstrap_servers} answers: cluster {info.cluster_id}, "
            f"{info.broker_count} broker(s)"
        )
        if args.command == "ensure-topics":
            for outcome in ensure_topics(kafka, get_domain_config()):
                print(outcome)
    except (BrokerUnavailableError, KafkaError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
