"""One envelope class per catalog type, and the unions that validate any event in one pass.

The classes are made from the catalog table rather than written out, so adding a type is
one line in ``catalog.py``. Two unions exist: the stored form (what Kafka holds) and the
intake form, which differs only where the edge accepts more (``zaak.aangemeld``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union

from pydantic import Field, TypeAdapter, create_model

from shared.contract.events.base import EventData
from shared.contract.events.catalog import BY_TYPE, CATALOG, TYPE_PREFIX, full_type
from shared.contract.events.envelope import CloudEvent
from shared.contract.events.intake import ZaakAangemeldAanlevering


def class_name(type_name: str, suffix: str = "") -> str:
    """``zaak.onderzoek-afgerond`` -> ``ZaakOnderzoekAfgerond`` + suffix."""
    short = type_name.removeprefix(TYPE_PREFIX)
    return "".join(part.capitalize() for part in short.replace("-", ".").split(".")) + suffix


def _envelope_class(type_name: str, data: type[EventData], suffix: str) -> type[CloudEvent]:
    spec = BY_TYPE[type_name]
    fixed_type: Any = Literal[type_name]  # a runtime Literal: the union's discriminator
    return create_model(
        class_name(type_name, suffix),
        __base__=CloudEvent,
        __doc__=f"CloudEvent {type_name}: {spec.meaning}",
        type=(fixed_type, Field(description="The event type.")),
        data=(data, Field(description=data.__doc__)),
    )


def _classes(overrides: Mapping[str, type[EventData]], suffix: str) -> dict[str, type[CloudEvent]]:
    return {
        spec.type: _envelope_class(spec.type, overrides.get(spec.type, spec.data), suffix)
        for spec in CATALOG
    }


def _intake_classes(
    stored: Mapping[str, type[CloudEvent]], overrides: Mapping[str, type[EventData]], suffix: str
) -> dict[str, type[CloudEvent]]:
    """The stored class of every type the intake takes as stored, its own class for the rest.

    So the edge's validation of such an event already gives the stored event.
    """
    return {
        spec.type: (
            _envelope_class(spec.type, overrides[spec.type], suffix)
            if spec.type in overrides
            else stored[spec.type]
        )
        for spec in CATALOG
    }


def _union(classes: Mapping[str, type[CloudEvent]]) -> TypeAdapter[CloudEvent]:
    members: Any = Union[tuple(classes.values())]  # noqa: UP007 - built at runtime
    return TypeAdapter(Annotated[members, Field(discriminator="type")])


EVENT_CLASSES: dict[str, type[CloudEvent]] = _classes({}, "Event")
"""The stored envelope class per full type, for ``isinstance`` narrowing by consumers."""

INTAKE_EVENT_CLASSES: dict[str, type[CloudEvent]] = _intake_classes(
    EVENT_CLASSES, {full_type("zaak.aangemeld"): ZaakAangemeldAanlevering}, "Aanlevering"
)
"""The intake envelope class per full type: the stored one where the edge changes nothing."""
STORED_EVENTS = _union(EVENT_CLASSES)
INTAKE_EVENTS = _union(INTAKE_EVENT_CLASSES)


def event_class(type_name: str) -> type[CloudEvent]:
    """The stored envelope class of a type (short or full name); KeyError when unknown."""
    return EVENT_CLASSES[full_type(type_name)]
