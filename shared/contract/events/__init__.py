"""The Wijkpuls event contract: CloudEvents 1.0 (NL GOV profile) of the sociaal domein.

Pure code (no Kafka, Redis or HTTP): the catalog of event types and their ``data`` models,
the envelope, the privacy edge, the Kafka protocol binding and the published schemas.
See docs/events.md for the rules a case-system developer needs.
"""

from shared.contract.events.base import EventData, HuishoudenEventData, ZaakEventData
from shared.contract.events.binding import (
    STRUCTURED_CONTENT_TYPE,
    KafkaRecord,
    UndecodableRecord,
    from_kafka_record,
    to_binary_record,
    to_structured_record,
)
from shared.contract.events.catalog import (
    CATALOG,
    CATALOG_VERSION,
    EVENT_TYPES,
    INTAKE_TYPES,
    TYPE_PREFIX,
    EventType,
    full_type,
    topic_for,
)
from shared.contract.events.edge import accept_at_edge
from shared.contract.events.envelope import CloudEvent
from shared.contract.events.errors import EventValidationError, Problem
from shared.contract.events.models import EVENT_CLASSES, event_class
from shared.contract.events.parse import new_event, parse_stored_event

__all__ = [
    "CATALOG",
    "CATALOG_VERSION",
    "EVENT_CLASSES",
    "EVENT_TYPES",
    "INTAKE_TYPES",
    "STRUCTURED_CONTENT_TYPE",
    "TYPE_PREFIX",
    "CloudEvent",
    "EventData",
    "EventType",
    "EventValidationError",
    "HuishoudenEventData",
    "KafkaRecord",
    "Problem",
    "UndecodableRecord",
    "ZaakEventData",
    "accept_at_edge",
    "event_class",
    "from_kafka_record",
    "full_type",
    "new_event",
    "parse_stored_event",
    "to_binary_record",
    "to_structured_record",
    "topic_for",
]
