"""The AsyncAPI 3.0 description of Wijkpuls' topics, generated from the catalog.

Payloads are the draft 2020-12 JSON Schemas of ``jsonschemas.py`` in AsyncAPI's
multi-format schema object, so the document and the validators cannot disagree.
Channel addresses are the topic names without the deployment's configured prefix.
"""

from __future__ import annotations

from typing import Any

from shared.contract.events.accepted import ACCEPTED_HEADER
from shared.contract.events.binding import STRUCTURED_CONTENT_TYPE
from shared.contract.events.catalog import CATALOG, CATALOG_VERSION, EventType
from shared.contract.events.examples import example_event
from shared.contract.events.jsonschemas import json_schemas
from shared.contract.events.models import class_name
from shared.contract.topics import Topic

ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
SCHEMA_FORMAT = "application/schema+json;version=draft-2020-12"
_CHANNELS = {
    Topic.EVENTS: ("events", "Case events: zaak.* and zorg.*, from the HTTP intake."),
    Topic.VROEGSIGNALEN: ("vroegsignalen", "Pseudonymised vroegsignalering events."),
    Topic.ALERTS: ("alerts", "Deadline alerts computed by the KPI processors."),
}
_KEYS = {
    Topic.EVENTS: "data.zaak_id: one zaak is in one partition, in order.",
    Topic.VROEGSIGNALEN: (
        "<data.huishouden>:<data.vroegsignaalzaak_id>:<id>, one key per record on a compacted "
        "topic (retention tombstones one record); the partition is chosen from data.huishouden "
        "alone, so one household is in one partition, in order. The topic also holds the "
        "signals service's frozen contributions (key bevroren:<vroegsignaalzaak_id>, not a "
        "CloudEvent; docs/operations.md)."
    ),
    Topic.ALERTS: "data.zaak_id of the zaak the alert is about.",
}


def asyncapi_document() -> dict[str, Any]:
    """The AsyncAPI document: one channel per topic, one message per event type."""
    schemas = json_schemas()
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic, (channel_id, description) in _CHANNELS.items():
        specs = [spec for spec in CATALOG if spec.topic is topic]
        channels[channel_id] = {
            "address": topic.value,
            "description": description,
            "messages": {
                class_name(s.type): {"$ref": f"#/components/messages/{class_name(s.type)}"}
                for s in specs
            },
            "bindings": {"kafka": {"topic": topic.value, "bindingVersion": KAFKA_BINDING_VERSION}},
        }
        operations[f"publish-{channel_id}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "summary": f"Wijkpuls publishes to {topic.value}.",
            "messages": [
                {"$ref": f"#/channels/{channel_id}/messages/{class_name(s.type)}"} for s in specs
            ],
        }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Wijkpuls event catalog",
            "version": CATALOG_VERSION,
            "description": "CloudEvents 1.0 (NL GOV profile) of gemeente Helmond's sociaal "
            "domein, on Kafka in structured content mode. See docs/events.md.",
        },
        "defaultContentType": STRUCTURED_CONTENT_TYPE,
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": {class_name(s.type): _message(s, schemas[s.type]) for s in CATALOG}
        },
    }


def _headers(topic: Topic) -> dict[str, Any]:
    """The record headers: content-type always; on the events topic also the intake's
    acceptance time (accepted.py), which a record of another producer may lack."""
    properties: dict[str, Any] = {
        "content-type": {"type": "string", "const": STRUCTURED_CONTENT_TYPE}
    }
    if topic is Topic.EVENTS:
        properties[ACCEPTED_HEADER] = {
            "type": "string",
            "format": "date-time",
            "description": "When the intake accepted the event, RFC 3339 UTC with milliseconds "
            "(2026-03-02T08:15:00.123Z); absent: the record's Kafka timestamp counts. Dates "
            "each figure's gewijzigd (docs/kpis.md#gewijzigd).",
        }
    return {"type": "object", "properties": properties}


def _message(spec: EventType, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": spec.type,
        "title": spec.name,
        "summary": spec.meaning,
        "description": spec.data.__doc__,
        "contentType": STRUCTURED_CONTENT_TYPE,
        "headers": _headers(spec.topic),
        "payload": {"schemaFormat": SCHEMA_FORMAT, "schema": schema},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": _KEYS[spec.topic]},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
        "examples": [
            {
                "name": "example",
                "headers": {"content-type": STRUCTURED_CONTENT_TYPE},
                "payload": example_event(spec.type),
            }
        ],
    }
