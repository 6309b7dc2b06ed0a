"""Turns a validated catalog event into the fact the per-zaak state keeps."""

from __future__ import annotations

from shared.contract.events.catalog import TYPE_PREFIX
from shared.contract.events.envelope import CloudEvent
from shared.core.domain import Fact

ZAAK_DOMAINS = ("zaak.", "zorg.")


def zaak_fact(event: CloudEvent) -> tuple[str, Fact] | None:
    """(zaak_id, fact) for zaak.* and zorg.* events; None for types the zaak state ignores."""
    name = event.type.removeprefix(TYPE_PREFIX)
    if not name.startswith(ZAAK_DOMAINS):
        return None
    data = event.data.model_dump(mode="python")
    fact = Fact.from_event(name, event.source, event.id, event.time, data)
    return data["zaak_id"], fact
