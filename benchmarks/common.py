"""What the benchmark scripts share: topic names per prefix, settings, lag and RSS probes."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from services.kpi.settings import KpiSettings
from shared.contract.topics import Topic, topic_name
from shared.platform.settings import KafkaSettings

ROOT = Path(__file__).resolve().parents[1]


def kafka_settings(prefix: str, bootstrap: str | None = None) -> KafkaSettings:
    base = KafkaSettings()
    return base.model_copy(
        update={"topic_prefix": prefix, "bootstrap_servers": bootstrap or base.bootstrap_servers}
    )


def events_topic(kafka: KafkaSettings) -> str:
    return topic_name(Topic.EVENTS, kafka)


def group_id(kafka: KafkaSettings) -> str:
    """The KPI worker's consumer group (= faust app id) for this prefix."""
    return f"{kafka.topic_prefix}{KpiSettings().app_id}"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def end_offsets(kafka: KafkaSettings, topic: str) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka.bootstrap_servers, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        partitions = consumer._client.cluster.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        return dict(await consumer.end_offsets(tps))
    finally:
        await consumer.stop()


class GroupOffsets:
    """Committed offsets of a consumer group, polled through one admin client."""

    def __init__(self, kafka: KafkaSettings, group: str) -> None:
        self._admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
        self._group = group

    async def __aenter__(self) -> GroupOffsets:
        await self._admin.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._admin.close()

    async def committed(self, tps: Iterable[TopicPartition]) -> dict[TopicPartition, int]:
        wanted = set(tps)
        try:
            found = await self._admin.list_consumer_group_offsets(self._group)
        except Exception:  # the group does not exist yet
            return {}
        return {tp: meta.offset for tp, meta in found.items() if tp in wanted and meta.offset >= 0}


def rss_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in KiB, from /proc (no psutil in the venv)."""
    values = {"VmRSS": 0, "VmHWM": 0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in values:
                values[name] = int(rest.split()[0])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return values["VmRSS"], values["VmHWM"]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/<pid>/stat), robust to a busy host."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


def worker_env(kafka: KafkaSettings, data_dir: Path, web_port: int, store: str) -> dict[str, str]:
    return {
        **os.environ,
        "WIJKPULS_KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "WIJKPULS_KAFKA_TOPIC_PREFIX": kafka.topic_prefix,
        "WIJKPULS_KPI_DATA_DIR": str(data_dir),
        "WIJKPULS_KPI_WEB_PORT": str(web_port),
        "WIJKPULS_KPI_STORE": store,
    }


def run(coro: object) -> object:
    return asyncio.run(coro)  # type: ignore[arg-type]
