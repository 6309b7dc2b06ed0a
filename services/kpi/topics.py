"""The topics the KPI workers read and write; names come from shared.contract.topics only.

The alert-ticks topic is the worker's own (faust creates it, named after the app id): the
alert clock's timer cannot write a table, so it sends a tick to the partition whose zaken
are due, and the tick agent evaluates them inside a stream, where table writes are allowed.
It has the events topic's partition count, so faust assigns its partitions with the events
partitions of the same number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import faust

from services.kpi.settings import Settings
from shared.contract.topics import Topic, topic_name


@dataclass(frozen=True)
class WorkerTopics:
    events: faust.TopicT
    dlq: faust.TopicT
    alerts: faust.TopicT
    ticks: faust.TopicT
    vroegsignalen: faust.TopicT


def make_topics(app: faust.App, settings: Settings) -> WorkerTopics:
    def raw_topic(name: str, **options: Any) -> faust.TopicT:
        """Raw bytes: the workers decode records themselves so a bad one can be dead-lettered
        as sent, and write records already encoded in the contract's format."""
        return app.topic(
            name,
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            **options,
        )

    return WorkerTopics(
        events=raw_topic(topic_name(Topic.EVENTS, settings.kafka)),
        dlq=raw_topic(topic_name(Topic.DLQ, settings.kafka)),
        alerts=raw_topic(topic_name(Topic.ALERTS, settings.kafka)),
        ticks=raw_topic(
            f"{app.conf.id}-alert-ticks",
            internal=True,
            partitions=settings.kafka.events_partitions,
            retention=timedelta(days=1),
        ),
        vroegsignalen=raw_topic(topic_name(Topic.VROEGSIGNALEN, settings.kafka)),
    )
