"""The event catalog: every type name, its ``data`` model, its topic and what it means.

One table drives validation, the JSON Schemas, the AsyncAPI document and docs/events.md,
so the published contract cannot drift from what the code accepts.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.contract.events.alert import Alert
from shared.contract.events.base import EventData
from shared.contract.events.vroegsignaal import (
    Contactpoging,
    VroegsignaalOntvangen,
    VroegsignaalResultaat,
)
from shared.contract.events.zaak import (
    AanvraagOntvangen,
    Afgesloten,
    Besloten,
    EersteContact,
    Hervat,
    OnderzoekAfgerond,
    Opgeschort,
    Verdaagd,
    ZaakAangemeld,
)
from shared.contract.events.zorg import ZorgBeeindigd, ZorgGestart, ZorgToegewezen
from shared.contract.topics import Topic

CATALOG_VERSION = "1.1.0"  # 1.1: all 15 DDAS Resultaat values
TYPE_PREFIX = "nl.helmond.sociaaldomein."


@dataclass(frozen=True)
class EventType:
    name: str
    data: type[EventData]
    topic: Topic
    meaning: str

    @property
    def type(self) -> str:
        """The full CloudEvents ``type``."""
        return TYPE_PREFIX + self.name


_Z, _V, _A = Topic.EVENTS, Topic.VROEGSIGNALEN, Topic.ALERTS
CATALOG: tuple[EventType, ...] = (
    EventType("zaak.aangemeld", ZaakAangemeld, _Z, "A request for help was received."),
    EventType("zaak.onderzoek-afgerond", OnderzoekAfgerond, _Z, "Wmo: the onderzoek is done."),
    EventType("zaak.aanvraag-ontvangen", AanvraagOntvangen, _Z, "Wmo: the aanvraag was received."),
    EventType("zaak.eerste-contact", EersteContact, _Z, "STH picked up / Wgs eerste gesprek."),
    EventType("zaak.opgeschort", Opgeschort, _Z, "The clock stands still (Awb 4:15)."),
    EventType("zaak.hervat", Hervat, _Z, "The clock runs again."),
    EventType("zaak.verdaagd", Verdaagd, _Z, "The term was extended (Awb 4:14)."),
    EventType("zaak.besloten", Besloten, _Z, "Besluit/beschikking; stops the besluit clocks."),
    EventType("zorg.toegewezen", ZorgToegewezen, _Z, "Toewijzing to a provider (301)."),
    EventType("zorg.gestart", ZorgGestart, _Z, "Care actually started (305)."),
    EventType("zorg.beeindigd", ZorgBeeindigd, _Z, "Care stopped (307)."),
    EventType("zaak.afgesloten", Afgesloten, _Z, "The trajectory was closed."),
    EventType("vroegsignaal.ontvangen", VroegsignaalOntvangen, _V, "A pseudonymised signal."),
    EventType("vroegsignaal.contactpoging", Contactpoging, _V, "An outreach attempt."),
    EventType("vroegsignaal.resultaat", VroegsignaalResultaat, _V, "Outcome of the case."),
    EventType("alert.waarschuwing", Alert, _A, "A term will pass soon."),
    EventType("alert.termijn-overschreden", Alert, _A, "A term passed without the stop."),
    EventType("alert.opgelost-na-termijn", Alert, _A, "The stopping event came late."),
)

BY_TYPE: dict[str, EventType] = {spec.type: spec for spec in CATALOG}
EVENT_TYPES: dict[str, type[EventData]] = {spec.type: spec.data for spec in CATALOG}

INTAKE_TYPES: frozenset[str] = frozenset(
    spec.type for spec in CATALOG if spec.name.startswith(("zaak.", "zorg."))
)
"""What case systems may send to the HTTP intake; signals and alerts are made inside."""


def full_type(name: str) -> str:
    """``'zaak.besloten'`` -> ``'nl.helmond.sociaaldomein.zaak.besloten'`` (full names pass)."""
    return name if name.startswith(TYPE_PREFIX) else TYPE_PREFIX + name


def topic_for(type_name: str) -> Topic:
    """The topic an event of this type is published on; KeyError for an unknown type."""
    return BY_TYPE[full_type(type_name)].topic
