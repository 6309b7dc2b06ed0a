"""Real infrastructure for the integration and e2e tiers: a Kafka broker and a Redis.

Where they come from, in order (docs/domain.md#components: real parts, not mocks):

1. the configured ones (``WIJKPULS_KAFKA_BOOTSTRAP_SERVERS``, ``WIJKPULS_REDIS_URL``), when
   they answer;
2. containers (testcontainers, the same images as docker-compose.yml), when a Docker engine
   answers ``docker info``;
3. the project's own scripts, ``deploy/local/kafka.sh start`` and ``deploy/local/redis.sh
   start`` (Kafka from the Maven Central jars, redis-server from the OS packages).

Nothing is ever skipped: when none of these works the test errors with the reason, so a CI
run without its infrastructure is red, not quietly green. Brokers started by the scripts are
left running for the next run (``deploy/local/down.sh`` stops them); containers stop at the
end of the session.

Isolation: every test that asks for ``topic_prefix`` gets its own topic names (a uuid prefix
that ``KafkaSettings(topic_prefix=...)`` puts in front of every topic) and ``group_id`` gives a
consumer group of its own, so tests never see each other's records or offsets.
"""

from __future__ import annotations

import os
import socket
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from fixtures.root_logging import kept_root_logging
from hypothesis import settings

from shared.contract.topics import TopicSpec, topic_specs
from shared.platform.kafka_admin import (
    BrokerUnavailableError,
    delete_topics_with_prefix,
    ensure_topics,
    wait_for_broker,
)
from shared.platform.settings import KafkaSettings, RedisSettings, get_domain_config

# No per-example deadline: the properties are about results, not speed, and the suite runs
# its tiers in parallel processes (pytest -n), where one example may wait for a core. Speed
# is measured by benchmarks/, never by a test's timing.
settings.register_profile("wijkpuls", deadline=None)
settings.load_profile("wijkpuls")

# Most reporting tests write figures into Redis themselves, without a KPI worker, so no view
# markers exist (docs/reliability.md): they read the store as it is. The tests of the markers
# (tests/e2e/test_redis_flush.py) turn the requirement on, as production has it.
os.environ.setdefault("WIJKPULS_REPORTING_VIEW_MARKERS_REQUIRED", "false")

ROOT = Path(__file__).resolve().parents[1]
LOCAL = ROOT / "deploy" / "local"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
# The first start fetches the broker jars with Maven; later starts take ~10 s.
SCRIPT_TIMEOUT_S = 900


def _versions() -> dict[str, str]:
    """deploy/local/versions.env: the one pin of the Kafka version and the Redis image."""
    pairs = (
        line.split("=", 1)
        for line in (LOCAL / "versions.env").read_text().splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    )
    return {key.strip(): value.strip() for key, value in pairs}


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _split_bootstrap(bootstrap: str) -> tuple[str, int]:
    first = bootstrap.split(",")[0].strip()
    host, _, port = first.rpartition(":")
    return (host or "localhost").strip("[]"), int(port or 9092)


def _docker_available() -> bool:
    if os.environ.get("WIJKPULS_TEST_INFRA") == "local":
        return False
    try:
        answer = subprocess.run(["docker", "info"], capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return answer.returncode == 0


def _run_script(script: str, env: dict[str, str]) -> None:
    """Run a deploy/local script; on failure end the test run with its output, never skip."""
    command = [str(LOCAL / script), "start"]
    try:
        done = subprocess.run(
            command,
            env={**os.environ, **env},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=SCRIPT_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{script} start took longer than {SCRIPT_TIMEOUT_S}s: {exc}", pytrace=False)
    if done.returncode != 0:
        pytest.fail(
            f"could not start the real infrastructure with deploy/local/{script} "
            f"(exit {done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}",
            pytrace=False,
        )


def _redis_answers(url: str) -> bool:
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2) as client:
            return bool(client.ping())
    except (redis.RedisError, OSError, ValueError):
        return False


@pytest.fixture(scope="session")
def _containers() -> Iterator[ExitStack]:
    """Holds the testcontainers started this session (none on the no-Docker path)."""
    with ExitStack() as stack:
        yield stack


@pytest.fixture(scope="session")
def kafka_bootstrap(_containers: ExitStack) -> Iterator[str]:
    """Bootstrap servers of a real Kafka broker that answers metadata requests."""
    bootstrap = KafkaSettings().bootstrap_servers
    host, port = _split_bootstrap(bootstrap)
    if not _port_open(host, port):
        if _docker_available():
            bootstrap = _start_kafka_container(_containers)
        elif host in LOCAL_HOSTS:
            _run_script("kafka.sh", {"KAFKA_PORT": str(port)})
        else:
            pytest.fail(
                f"the configured broker {bootstrap} does not answer and is not local, so it "
                "cannot be started here",
                pytrace=False,
            )
    try:
        wait_for_broker(bootstrap, timeout_s=60)
    except BrokerUnavailableError as exc:
        pytest.fail(str(exc), pytrace=False)
    with pytest.MonkeyPatch.context() as patch:
        # Code under test that reads its settings from the environment finds this broker.
        patch.setenv("WIJKPULS_KAFKA_BOOTSTRAP_SERVERS", bootstrap)
        yield bootstrap


@pytest.fixture(scope="session")
def redis_url(_containers: ExitStack) -> Iterator[str]:
    """URL of a real Redis that answers PING."""
    url = RedisSettings().url
    if not _redis_answers(url):
        parts = urlsplit(url)
        if _docker_available():
            url = _start_redis_container(_containers)
        elif (parts.hostname or "localhost") in LOCAL_HOSTS:
            _run_script("redis.sh", {"REDIS_PORT": str(parts.port or 6379)})
        else:
            pytest.fail(
                f"the configured Redis {url} does not answer and is not local", pytrace=False
            )
        if not _redis_answers(url):
            pytest.fail(f"Redis at {url} still does not answer PING", pytrace=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WIJKPULS_REDIS_URL", url)
        yield url


def _start_kafka_container(stack: ExitStack) -> str:
    """apache/kafka (the version pinned in versions.env) as a KRaft single node.

    testcontainers' own KafkaContainer drives Confluent's images; the Apache image is
    configured by its KAFKA_* environment instead, with the host port fixed up front so the
    advertised listener is the address the tests connect to.
    """
    from testcontainers.core.container import DockerContainer

    port = _free_port()
    container = (
        DockerContainer(f"apache/kafka:{_versions()['KAFKA_VERSION']}")
        .with_bind_ports(9092, port)
        .with_env("KAFKA_NODE_ID", "1")
        .with_env("KAFKA_PROCESS_ROLES", "broker,controller")
        .with_env("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093")
        .with_env("KAFKA_ADVERTISED_LISTENERS", f"PLAINTEXT://localhost:{port}")
        .with_env("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
        .with_env(
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
        )
        .with_env("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093")
        .with_env("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
        .with_env("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
        .with_env("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
        .with_env("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
        .with_env("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1")
        .with_env("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
        .with_env("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
    )
    stack.enter_context(container)
    return f"localhost:{port}"


def _start_redis_container(stack: ExitStack) -> str:
    from testcontainers.community.redis import RedisContainer

    container = stack.enter_context(RedisContainer(_versions()["REDIS_IMAGE"]))
    host = container.get_container_host_ip()
    return f"redis://{host}:{container.get_exposed_port(6379)}/0"


@pytest.fixture
def topic_prefix(request: pytest.FixtureRequest) -> Iterator[str]:
    """A topic-name prefix of this test alone; its topics are deleted after the test."""
    prefix = f"test-{uuid.uuid4().hex[:12]}-"
    yield prefix
    if "kafka_bootstrap" in request.fixturenames:
        bootstrap = request.getfixturevalue("kafka_bootstrap")
        delete_topics_with_prefix(KafkaSettings(bootstrap_servers=bootstrap), prefix)


@pytest.fixture
def group_id(topic_prefix: str) -> str:
    """A consumer group id of this test alone (no offsets shared with other tests)."""
    return f"{topic_prefix}group-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def kafka_settings(kafka_bootstrap: str, topic_prefix: str) -> KafkaSettings:
    """The project's Kafka settings pointed at the test broker, with this test's topics."""
    return KafkaSettings(bootstrap_servers=kafka_bootstrap, topic_prefix=topic_prefix)


@pytest.fixture
def kafka_topics(kafka_settings: KafkaSettings) -> Iterator[list[TopicSpec]]:
    """Every project topic, created for this test by shared.platform.kafka_admin, deleted after."""
    domain = get_domain_config()
    ensure_topics(kafka_settings, domain)
    yield topic_specs(kafka_settings, domain)
    delete_topics_with_prefix(kafka_settings, kafka_settings.topic_prefix)


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """An app factory configures the root logger (JSON lines); put it back for the next test."""
    with kept_root_logging():
        yield
