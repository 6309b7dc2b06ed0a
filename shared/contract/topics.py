"""Topic names and their shape, defined once (docs/architecture.md#rules-of-thumb: one topic name,
one place)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from shared.core.domain_config import DomainConfig

DAY_MS = 24 * 60 * 60 * 1000


class Topic(StrEnum):
    EVENTS = "wijkpuls.events"
    VROEGSIGNALEN = "wijkpuls.vroegsignalen"
    ALERTS = "wijkpuls.alerts"
    DLQ = "wijkpuls.dlq"
    IWMO_PARKED = "wijkpuls.iwmo-parked"
    RAPPORTEN = "wijkpuls.rapporten"


class TopicSettings(Protocol):
    """What names and sizes the topics: the platform's KafkaSettings has these fields."""

    @property
    def topic_prefix(self) -> str: ...
    @property
    def events_partitions(self) -> int: ...
    @property
    def vroegsignalen_partitions(self) -> int: ...
    @property
    def alerts_partitions(self) -> int: ...
    @property
    def dlq_partitions(self) -> int: ...


KEPT_FOREVER = -1  # retention.ms of a topic whose records only a tombstone removes


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    retention_ms: int
    cleanup_policy: str = "delete"

    def config(self) -> dict[str, str]:
        return {"retention.ms": str(self.retention_ms), "cleanup.policy": self.cleanup_policy}


def topic_name(topic: Topic, kafka: TopicSettings) -> str:
    return f"{kafka.topic_prefix}{topic.value}"


def topic_specs(kafka: TopicSettings, domain: DomainConfig) -> list[TopicSpec]:
    """Every topic the project owns, with partitions from settings and retention from config."""
    retention = domain.retention.topics
    shape = {
        Topic.EVENTS: (kafka.events_partitions, retention.events_days),
        Topic.VROEGSIGNALEN: (kafka.vroegsignalen_partitions, retention.vroegsignalen_days),
        Topic.ALERTS: (kafka.alerts_partitions, retention.alerts_days),
        Topic.DLQ: (kafka.dlq_partitions, retention.dlq_days),
        # Low volume, no order needed: one partition. Keyed by the line's event id, so
        # compaction keeps a parked line until its tombstone says it was published.
        Topic.IWMO_PARKED: (1, retention.iwmo_parked_days),
    }
    # vroegsignalen: one key per record (shared/contract/vroegsignaal_records.py), removed by the
    # retention job's tombstones, never by age: age would also remove a long-open zaak's first
    # signals before they are frozen, and the frozen figures themselves (docs/operations.md).
    policy = {Topic.IWMO_PARKED: "compact,delete", Topic.VROEGSIGNALEN: "compact"}
    specs = [
        TopicSpec(topic_name(topic, kafka), partitions, days * DAY_MS, policy.get(topic, "delete"))
        for topic, (partitions, days) in shape.items()
    ]
    # Issued reports (shared/contract/issued_reports.py): a few a year, one record each, kept
    # as issued for good (the raad's documents), so compacted and never removed by age.
    specs.append(TopicSpec(topic_name(Topic.RAPPORTEN, kafka), 1, KEPT_FOREVER, "compact"))
    return specs
