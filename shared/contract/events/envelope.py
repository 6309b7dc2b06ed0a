"""The CloudEvents 1.0 envelope, NL GOV profile, as Wijkpuls stores and publishes it.

Each catalog type gets its own envelope class (``type`` fixed, ``data`` its model), and a
discriminated union over them validates any event in one pass: the type picks the data
model, and every problem, in the envelope or in ``data``, is reported at once.

Extension attributes: only the ones with a documented meaning are accepted (NL GOV
``dataref``, ``sequence``, ``sequencetype``; W3C trace context ``traceparent``,
``tracestate``). An open bag of extensions would be an unvalidated channel into Kafka, and
the contract grows by catalog versions, not by what a sender adds (docs/events.md).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializeAsAny,
    StrictStr,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from shared.contract.events.base import EventData
from shared.contract.events.fieldtypes import Identifier, Pseudonym, Rfc3339Time
from shared.contract.events.patterns import (
    LINE_PATTERN,
    TRACEPARENT_PATTERN,
    URI_PATTERN,
    URN_PATTERN,
    UUID_PATTERN,
)

JSON_CONTENT_TYPE: Final = "application/json"


def _lower(value: Any) -> Any:
    # Retries must dedup whatever the case of the UUID they were sent with.
    return value.lower() if isinstance(value, str) else value


def _json_media_type(value: Any) -> Any:
    """``application/json; charset=utf-8`` means the same as ``application/json``."""
    if not isinstance(value, str):
        return value
    media_type, *params = (part.strip().lower() for part in value.split(";"))
    if media_type == JSON_CONTENT_TYPE and all(
        p in ("charset=utf-8", 'charset="utf-8"') for p in params
    ):
        return JSON_CONTENT_TYPE
    raise PydanticCustomError("datacontenttype", "must be application/json (UTF-8)")


EventId = Annotated[StrictStr, StringConstraints(pattern=UUID_PATTERN), BeforeValidator(_lower)]
Text = Annotated[StrictStr, Field(min_length=1, max_length=256, pattern=LINE_PATTERN)]


class CloudEvent(BaseModel):
    """One catalog event; ``type`` selects the model of ``data``.

    Made by ``parse_stored_event``, ``accept_at_edge`` or ``new_event``, which return the
    type's own subclass (``EVENT_CLASSES``); this base class alone cannot validate ``data``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    specversion: Literal["1.0"] = Field(description="CloudEvents version; always '1.0'.")
    id: EventId = Field(description="UUID of the event; (source, id) is unique per event.")
    source: Annotated[StrictStr, Field(max_length=256, pattern=URN_PATTERN)] = Field(
        description="URN of the sending system, e.g. urn:nld:oin:<OIN>:systeem:<name>."
    )
    type: StrictStr = Field(description="Catalog type, nl.helmond.sociaaldomein.<domain>.<event>.")
    time: Rfc3339Time = Field(
        description="When the event was logged (RFC 3339); the business date is data.datum."
    )
    subject: Pseudonym | None = Field(None, description="The zaak id or a pseudonym; never a BSN.")
    datacontenttype: Annotated[Literal["application/json"], BeforeValidator(_json_media_type)] = (
        Field(JSON_CONTENT_TYPE, description="Media type of data; only application/json.")
    )
    dataschema: Annotated[StrictStr, Field(max_length=512, pattern=URI_PATTERN)] | None = Field(
        None, description="URI of the schema data adheres to (informational)."
    )
    dataref: Text | None = Field(None, description="NL GOV: reference to where data is kept.")
    sequence: Text | None = Field(None, description="NL GOV: position in the source's stream.")
    sequencetype: Identifier | None = Field(None, description="NL GOV: meaning of sequence.")
    traceparent: Annotated[StrictStr, Field(pattern=TRACEPARENT_PATTERN)] | None = Field(
        None, description="W3C trace context, for following an event through the services."
    )
    tracestate: Text | None = Field(None, description="W3C trace context vendor state.")
    data: SerializeAsAny[EventData] = Field(description="The type's data.")

    @property
    def dedup_key(self) -> tuple[str, str]:
        """Events with the same (source, id) are one event delivered more than once."""
        return (self.source, self.id)

    def record_key(self) -> str:
        """Kafka record key: the zaak id, or the household pseudonym for signals
        (docs/domain.md#event-contract)."""
        return self.data.record_key()

    def to_dict(self) -> dict[str, Any]:
        """The structured-mode JSON object; absent optional attributes are left out."""
        return self.model_dump(mode="json", exclude_none=True)

    def to_json(self) -> bytes:
        """Canonical UTF-8 JSON (sorted keys, no spaces): a replay writes the same bytes."""
        return canonical_json(self.to_dict())


def canonical_json(value: object) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")
