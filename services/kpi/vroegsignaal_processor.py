"""Per vroegsignalen record: update the vroegsignaalzaak's history, refresh its figures.

No faust here: the agent (services/kpi/vroegsignalen.py) hands in the record and the table,
so tests can drive it directly.

Keys. The record key is the household pseudonym, so every record of a household sits in one
partition, and faust writes a table entry's changelog to the partition of the record that
changed it. The table is therefore keyed by (huishouden, vroegsignaalzaak_id): each key's
records, and so its changelog entries, live in exactly one partition, and a restore or a
rebalance can never find two versions of it. The signals service gives each zaak one
household; an event naming a zaak under another household is a separate entry, which counts
for nothing until a signal of its own opens it (a case opens with its first signal).
"""

from __future__ import annotations

import json
from collections.abc import MutableMapping, Sequence
from typing import Any, Protocol

from shared.events.binding import from_kafka_record
from shared.events.catalog import TYPE_PREFIX
from shared.kpi.contribution import Contribution
from shared.kpi.vroegsignalering import (
    KINDS,
    VroegsignaalzaakHistory,
    vroegsignaalzaak_contribution,
)

CONTRIBUTION_PREFIX = "vroegsignaalzaak:"
"""Names the zaak's contribution in Redis apart from the case zaken (``wp:contrib:<id>``)."""


class FigureWriter(Protocol):
    async def replace(self, zaak_id: str, contribution: Contribution) -> bool: ...


def table_key(huishouden: str, vroegsignaalzaak_id: str) -> str:
    """Unambiguous whatever characters the two ids hold."""
    return json.dumps([huishouden, vroegsignaalzaak_id], separators=(",", ":"))


class VroegsignaalProcessor:
    def __init__(self, *, table: MutableMapping[str, Any], figures: FigureWriter) -> None:
        self.table = table
        self.figures = figures

    async def apply(
        self, key: bytes | None, value: bytes | None, headers: Sequence[tuple[str, bytes]]
    ) -> str | None:
        """Apply one record; returns the table key it touched, None when it was not for us.

        Raises UndecodableRecord for a record that is not a valid catalog event. A tombstone
        (the retention job of the signals service may write them) changes no figure: figures
        of periods whose events are gone stay as they were (BRIEF §3).
        """
        if value is None:
            return None
        event = from_kafka_record(key, value, headers)
        kind = event.type.removeprefix(TYPE_PREFIX)
        if kind not in KINDS:
            return None  # other types on this topic are no part of these figures
        data = event.data.model_dump(mode="python")
        entry = table_key(data["huishouden"], data["vroegsignaalzaak_id"])
        before = VroegsignaalzaakHistory.from_dict(self.table.get(entry))
        after = before.add(kind, event.source, event.id, event.time, data)
        if after != before:
            self.table[entry] = after.to_dict()
        # Idempotent, so it runs even when nothing changed: that heals a crash between the
        # changelog write and the Redis write.
        await self.figures.replace(
            CONTRIBUTION_PREFIX + entry, vroegsignaalzaak_contribution(after)
        )
        return entry
