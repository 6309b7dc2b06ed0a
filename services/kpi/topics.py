"""The topics the KPI workers read and write; names come from shared.contract.topics only.

The alert-ticks topic is the worker's own (faust creates it, named after the app id): the
alert clock's timer cannot write a table, so it sends a tick to the partition whose zaken
are due, and the tick agent evaluates them inside a stream, where table writes are allowed.
It has the events topic's partition count, so faust assigns its partitions with the events
partitions of the same number.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import faust

from services.kpi.app import app, settings
from shared.contract.topics import Topic, topic_name


def _raw_topic(name: str, **options: Any) -> faust.TopicT:
    """Raw bytes: the workers decode records themselves so a bad one can be dead-lettered as
    sent, and write records already encoded in the contract's format."""
    return app.topic(
        name,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        **options,
    )


events_topic = _raw_topic(topic_name(Topic.EVENTS, settings.kafka))
dlq_topic = _raw_topic(topic_name(Topic.DLQ, settings.kafka))
alerts_topic = _raw_topic(topic_name(Topic.ALERTS, settings.kafka))
ticks_topic = _raw_topic(
    f"{app.conf.id}-alert-ticks",
    internal=True,
    partitions=settings.kafka.events_partitions,
    retention=timedelta(days=1),
)
