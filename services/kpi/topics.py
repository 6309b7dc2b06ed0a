"""The topics the KPI workers read and write; names come from shared.topics only."""

from __future__ import annotations

from services.kpi.app import app, settings
from shared.topics import Topic, topic_name

# Raw bytes: the workers decode records themselves so a bad one can be dead-lettered as sent.
events_topic = app.topic(
    topic_name(Topic.EVENTS, settings.kafka),
    key_type=bytes,
    value_type=bytes,
    key_serializer="raw",
    value_serializer="raw",
)
dlq_topic = app.topic(
    topic_name(Topic.DLQ, settings.kafka),
    key_type=bytes,
    value_type=bytes,
    key_serializer="raw",
    value_serializer="raw",
)
