"""CloudEvents Kafka protocol binding (v1.0): event <-> record, both content modes.

Producers write structured mode: the whole event as canonical JSON in the value, so a
record is self-contained on the dead-letter topic and in a replay. Readers accept both
modes, told apart as the binding says: a ``content-type`` header starting with
``application/cloudevents`` is structured, anything else binary. A record without either
header is read as structured JSON, which is what a plain JSON producer writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shared.contract.events.envelope import CloudEvent, canonical_json
from shared.contract.events.errors import EventValidationError, Problem
from shared.contract.events.parse import decode_json, parse_stored_event

STRUCTURED_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"
CONTENT_TYPE = "content-type"
CE_PREFIX = "ce_"


@dataclass(frozen=True)
class KafkaRecord:
    """What a producer sends: key, value and headers, all bytes as Kafka carries them."""

    key: bytes
    value: bytes
    headers: tuple[tuple[str, bytes], ...]


class UndecodableRecord(ValueError):
    """A record that is not a valid catalog event; dead-letter it with ``reason``."""

    def __init__(self, reason: str, problems: Sequence[Problem] = ()) -> None:
        self.reason = reason
        self.problems = list(problems)
        super().__init__(reason)


def to_structured_record(event: CloudEvent) -> KafkaRecord:
    """Structured content mode: the record Wijkpuls producers write."""
    return KafkaRecord(
        key=event.record_key().encode("utf-8"),
        value=event.to_json(),
        headers=((CONTENT_TYPE, STRUCTURED_CONTENT_TYPE.encode("utf-8")),),
    )


def to_binary_record(event: CloudEvent) -> KafkaRecord:
    """Binary content mode: attributes as ``ce_`` headers, ``data`` alone in the value."""
    attributes = event.to_dict()
    data = attributes.pop("data")
    content_type = attributes.pop("datacontenttype")
    headers = [(CE_PREFIX + name, str(value).encode("utf-8")) for name, value in attributes.items()]
    headers.append((CONTENT_TYPE, content_type.encode("utf-8")))
    return KafkaRecord(event.record_key().encode("utf-8"), canonical_json(data), tuple(headers))


def from_kafka_record(
    key: bytes | None,
    value: bytes | None,
    headers: Sequence[tuple[str, bytes]],
    *,
    check_key: bool = True,
) -> CloudEvent:
    """The event in a record, in either content mode; UndecodableRecord when there is none.

    With ``check_key`` a record whose key is not the event's record key is refused: it sits
    in the wrong partition, so the per-zaak order the processors rely on is not guaranteed.
    A tombstone (value None) is not an event; check for it before calling.
    """
    attributes = _header_attributes(headers)
    content_type = attributes.pop(CONTENT_TYPE, None)
    media_type = (content_type or "").lower()
    if media_type.startswith("application/cloudevents"):
        if not media_type.startswith("application/cloudevents+json"):
            raise UndecodableRecord("unsupported CloudEvents format (only JSON is read)")
        binary = False
    else:  # no header at all and no ce_ headers: a plain JSON producer's structured event
        binary = content_type is not None or any(n.startswith(CE_PREFIX) for n in attributes)
    if value is None:
        raise UndecodableRecord("record has no value (a tombstone is not an event)")
    try:
        raw = _binary_event(attributes, content_type, value) if binary else value
        event = parse_stored_event(raw)
    except EventValidationError as exc:
        raise UndecodableRecord(f"not a valid event: {exc}", exc.problems) from None
    if check_key and key != event.record_key().encode("utf-8"):
        raise UndecodableRecord("record key is not the event's record key")
    return event


def _header_attributes(headers: Sequence[tuple[str, bytes]]) -> dict[str, str]:
    result: dict[str, str] = {}
    for name, raw in headers:
        lowered = name.lower()
        if lowered != CONTENT_TYPE and not lowered.startswith(CE_PREFIX):
            continue  # other headers (tracing, the producer's own) are not the event's
        if lowered in result:
            raise UndecodableRecord(f"header {lowered} appears more than once")
        try:
            result[lowered] = raw.decode("utf-8")
        except (UnicodeDecodeError, AttributeError):
            raise UndecodableRecord(f"header {lowered} is not UTF-8 text") from None
    return result


def _binary_event(
    attributes: dict[str, str], content_type: str | None, value: bytes
) -> dict[str, object]:
    event: dict[str, object] = {name.removeprefix(CE_PREFIX): v for name, v in attributes.items()}
    if content_type is not None:
        event["datacontenttype"] = content_type
    try:
        event["data"] = decode_json(value)
    except EventValidationError as exc:
        raise EventValidationError([{**p, "field": "data"} for p in exc.problems]) from None
    return event
