"""``python -m services.kpi.operations.lag``: how far the KPI workers are behind, and who holds
what.

Per events partition: the end offset, the group's committed offset and the lag between them;
then the group's state and, per member, the events partitions it holds. Read-only. faust
commits every 2.8 s (``broker_commit_interval``), so a busy group shows a lag of up to a few
seconds of records even when it keeps up. See docs/operations.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from kafka import TopicPartition
from kafka.admin import OffsetSpec
from kafka.errors import KafkaError

from services.kpi.operations.reset import group_id
from services.kpi.settings import KpiSettings
from shared.contract.topics import Topic, topic_name
from shared.platform.kafka_admin import admin_client
from shared.platform.settings import KafkaSettings


class _FaustMetadata(logging.Filter):
    """kafka-python cannot decode faust's member metadata (its own assignor's format) and
    warns with the whole group description each time; the assignment itself decodes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Unable to decode member_metadata")


logging.getLogger("kafka.admin._groups").addFilter(_FaustMetadata())


@dataclass(frozen=True)
class PartitionLag:
    partition: int
    end: int
    committed: int | None  # None: the group never committed on it

    @property
    def lag(self) -> int:
        return self.end - (self.committed or 0)


@dataclass(frozen=True)
class GroupLag:
    group: str
    topic: str
    state: str
    partitions: list[PartitionLag]
    members: dict[str, list[int]]  # member (client id @ host, member id) -> events partitions

    @property
    def total(self) -> int:
        return sum(p.lag for p in self.partitions)

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "partitions": [{**asdict(p), "lag": p.lag} for p in self.partitions],
            "total": self.total,
        }


RETRY_S = 15.0  # how long a retriable broker answer is asked again before it is the answer


def measure(kafka: KafkaSettings, kpi: KpiSettings, retry_s: float = RETRY_S) -> GroupLag:
    """The lag now. A retriable answer (the group coordinator still loading on a broker that
    just started, a leader moving) is asked again for up to ``retry_s``: it says "not yet",
    not "no"."""
    deadline = time.monotonic() + retry_s
    while True:
        try:
            return _measure_once(kafka, kpi)
        except KafkaError as exc:
            if not exc.retriable or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _measure_once(kafka: KafkaSettings, kpi: KpiSettings) -> GroupLag:
    group, topic = group_id(kafka, kpi), topic_name(Topic.EVENTS, kafka)
    with admin_client(kafka) as admin:
        [described] = admin.describe_topics([topic])
        tps = [TopicPartition(topic, p["partition_index"]) for p in described["partitions"]]
        ends = admin.list_partition_offsets(dict.fromkeys(tps, OffsetSpec.LATEST))
        offsets = admin.list_group_offsets(group).get(group, {})
        info = admin.describe_groups([group]).get(group, {})
    members: dict[str, list[int]] = {}
    for member in info.get("members", []):
        assignment = member.get("member_assignment")
        assigned = assignment.get("assigned_partitions", []) if isinstance(assignment, dict) else []
        name = f"{member.get('client_id')}@{member.get('client_host')} {member.get('member_id')}"
        members[name] = sorted(p for a in assigned if a["topic"] == topic for p in a["partitions"])
    partitions = [
        PartitionLag(
            tp.partition,
            ends[tp].offset,
            offsets[tp].offset if tp in offsets and offsets[tp].offset >= 0 else None,
        )
        for tp in sorted(tps, key=lambda tp: tp.partition)
    ]
    return GroupLag(group, topic, str(info.get("group_state", "")), partitions, members)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.kpi.operations.lag",
        description="Show the KPI workers' consumer lag on the events topic per partition, and "
        "which member holds which partitions. Settings from the WIJKPULS_* environment.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--topic-prefix", help="override WIJKPULS_KAFKA_TOPIC_PREFIX")
    parser.add_argument("--app-id", help="override WIJKPULS_KPI_APP_ID")
    args = parser.parse_args(argv)
    kafka = KafkaSettings(**({"topic_prefix": args.topic_prefix} if args.topic_prefix else {}))
    kpi = KpiSettings(**({"app_id": args.app_id} if args.app_id else {}))
    try:
        lag = measure(kafka, kpi)
    except KafkaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(lag.to_dict(), indent=2))
        return 0
    print(f"group {lag.group} ({lag.state or 'unknown'}) on {lag.topic}: lag {lag.total}")
    for p in lag.partitions:
        committed = "-" if p.committed is None else p.committed
        print(f"  partition {p.partition}: end {p.end}, committed {committed}, lag {p.lag}")
    for name, partitions in lag.members.items():
        print(f"  member {name}: partitions {partitions}")
    if not lag.members:
        print("  no members: no worker is running in this group")
    return 0


if __name__ == "__main__":
    sys.exit(main())
