"""Turning bytes, a decoded JSON value or fields into a validated event, for every reader.

JSON is read strictly: UTF-8 only, no NaN/Infinity, and no duplicate keys, because with
duplicates this validator and some other parser could disagree about what was sent.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from shared.contract.events.base import EventData
from shared.contract.events.catalog import BY_TYPE, full_type
from shared.contract.events.envelope import CloudEvent
from shared.contract.events.errors import EventValidationError, problem, problems_from
from shared.contract.events.models import STORED_EVENTS


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _no_constant(_: str) -> Any:
    raise ValueError("NaN and Infinity are not JSON")


def decode_json(raw: bytes | bytearray | str) -> Any:
    """Strict JSON; EventValidationError (not echoing the input) when it is not."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes | bytearray) else raw
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise EventValidationError([problem("", "is not UTF-8 text", "encoding")]) from None
    except RecursionError:  # arrays or objects nested thousands deep
        raise EventValidationError([problem("", "is nested too deeply", "json_invalid")]) from None
    except ValueError as exc:  # json.JSONDecodeError is a ValueError; its message has no input
        reason = "has a duplicate key" if str(exc) == "duplicate key" else "is not valid JSON"
        raise EventValidationError([problem("", reason, "json_invalid")]) from None


def as_object(raw: object) -> object:
    """Bytes or text are decoded as JSON; anything else is taken as already decoded."""
    return decode_json(raw) if isinstance(raw, bytes | bytearray | str) else raw


def parse_stored_event(raw: object) -> CloudEvent:
    """A stored/published event (JSON bytes, text or a decoded object), fully validated.

    Stored events have a resolved wijk and pseudonyms only: a ``client`` block or a
    ``postcode`` is an unknown field here and is refused.
    """
    try:
        return STORED_EVENTS.validate_python(as_object(raw))
    except ValidationError as exc:
        raise EventValidationError(problems_from(exc, tags=BY_TYPE)) from None


def new_event(
    type_name: str,
    data: EventData | Mapping[str, Any],
    *,
    source: str,
    event_id: str | None = None,
    time: datetime | None = None,
    subject: str | None = None,
) -> CloudEvent:
    """An event made inside Wijkpuls (signals, alerts), validated like any other.

    ``event_id`` defaults to a random UUID; pass a uuid5 of a stable id (an alert id) to make
    recomputing the same fact produce the same (source, id), i.e. a duplicate, not a second fact.
    """
    fields = (
        data.model_dump(mode="json", exclude_none=True) if isinstance(data, EventData) else data
    )
    raw: dict[str, Any] = {
        "specversion": "1.0",
        "id": event_id or str(uuid.uuid4()),
        "source": source,
        "type": full_type(type_name),
        "time": (time or datetime.now(UTC)).isoformat(),
        "data": dict(fields),
    }
    if subject is not None:
        raw["subject"] = subject
    return parse_stored_event(raw)
