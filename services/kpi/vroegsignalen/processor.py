"""Per vroegsignalen record: update the vroegsignaalzaak's history, refresh its figures.

No faust here: the agent (services/kpi/vroegsignalen/agent.py) hands in the record and the table,
so tests can drive it directly.

Keys. Every record of a household sits in the household's partition (the record key is
``<huishouden>:<vroegsignaalzaak_id>:<event id>``, shared/contract/vroegsignaal_records.py),
and faust
writes a table entry's changelog to the partition of the record that changed it. The table is
therefore keyed by (huishouden, vroegsignaalzaak_id): each key's records, and so its
changelog entries, live in exactly one partition, and a restore or a rebalance can never find
two versions of it. The signals service gives each zaak one household for its events, also
across a key rotation (docs/operations.md); an event naming a zaak under another household is
a separate entry that never writes the figures until a signal of its own opens it.

Retention. The figures of a zaak live in Redis under its zaak id alone. When the zaak passes
retention the signals service writes its frozen contribution (same partition, before the
tombstones): applied under the same id, so the cells do not move, and a replay that finds
only the frozen record (the events compacted away) or the events and then the frozen record
ends with the same cells. A tombstone of one of the zaak's events drops the zaak's table
entry: the household state goes, the frozen figures stay.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, MutableMapping, Sequence
from typing import Any, Protocol

from shared.contract.events.binding import UndecodableRecord, from_kafka_record
from shared.contract.events.catalog import TYPE_PREFIX
from shared.contract.vroegsignaal_records import (
    NotAFrozenContribution,
    is_frozen_key,
    parse_frozen,
    record_key,
    record_owner,
)
from shared.core.kpi.contribution import Contribution
from shared.core.kpi.vroegsignalering import (
    KINDS,
    VroegsignaalzaakHistory,
    vroegsignaalzaak_contribution,
)

CONTRIBUTION_PREFIX = "vroegsignaalzaak:"
"""Names the zaak's contribution in Redis (``wp:contrib:vroegsignaalzaak:<id>``) apart from
the case zaken; the id alone, no household, so the frozen figures keep no pseudonym."""


def frozen_table_key(vroegsignaalzaak_id: str) -> str:
    """The table entry of a zaak's frozen contribution: a JSON object, never a ``table_key``
    (a JSON list)."""
    return json.dumps({"frozen": vroegsignaalzaak_id}, separators=(",", ":"))


class FigureWriter(Protocol):
    async def replace(self, zaak_id: str, contribution: Contribution) -> bool: ...

    async def replace_all(self, items: Sequence[tuple[str, Contribution]]) -> None:
        """``replace`` for each in order (a rebuild of the figures)."""
        ...


def _expected_key(huishouden: str, vroegsignaalzaak_id: str, event_id: str) -> bytes | None:
    try:
        return record_key(huishouden, vroegsignaalzaak_id, event_id).encode("utf-8")
    except ValueError:
        return None  # no key can name it: not a record the signals service writes


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

        Raises UndecodableRecord for a record that is not a valid catalog event or frozen
        contribution. A tombstone (the retention job of the signals service writes them)
        changes no figure: figures of periods whose events are gone stay frozen
        (docs/domain.md#retention).
        """
        if is_frozen_key(key):
            return await self._apply_frozen(key, value)
        if value is None:
            owner = record_owner(key)
            if owner is None:
                return None
            entry = table_key(owner.huishouden, owner.vroegsignaalzaak_id)
            if entry in self.table:
                del self.table[entry]  # the household state of a retired zaak
            return entry
        event = from_kafka_record(key, value, headers, check_key=False)
        kind = event.type.removeprefix(TYPE_PREFIX)
        if kind not in KINDS:
            return None  # other types on this topic are no part of these figures
        data = event.data.model_dump(mode="python")
        huishouden, zaak = data["huishouden"], data["vroegsignaalzaak_id"]
        if key != _expected_key(huishouden, zaak, event.id):
            # Another key may sit in another partition: the per-household order is not sure.
            raise UndecodableRecord("record key is not <huishouden>:<vroegsignaalzaak>:<id>")
        entry = table_key(huishouden, zaak)
        before = VroegsignaalzaakHistory.from_dict(self.table.get(entry))
        after = before.add(kind, event.source, event.id, event.time, data)
        if after != before:
            self.table[entry] = after.to_dict()
        # Idempotent, so it runs even when nothing changed: that heals a crash between the
        # changelog write and the Redis write. An entry without a signal counts for nothing
        # and must not blank the figures its zaak has under another entry.
        if after.signals:
            await self.figures.replace(
                CONTRIBUTION_PREFIX + zaak, vroegsignaalzaak_contribution(after)
            )
        return entry

    async def _apply_frozen(self, key: bytes | None, value: bytes | None) -> str | None:
        if key is None or value is None:
            return None  # the frozen figures are never tombstoned; nothing to undo
        try:
            frozen = parse_frozen(key, value)
        except NotAFrozenContribution as exc:
            raise UndecodableRecord(str(exc)) from None
        # Kept in the table as well, so a lost figures store gets it back (rewrite).
        self.table[frozen_table_key(frozen.vroegsignaalzaak_id)] = {
            "frozen": frozen.vroegsignaalzaak_id,
            "bijdrage": sorted([c, f, n] for (c, f), n in frozen.contribution.items() if n),
        }
        await self.figures.replace(
            CONTRIBUTION_PREFIX + frozen.vroegsignaalzaak_id, frozen.contribution
        )
        return None

    async def rewrite(self, entries: Iterable[tuple[str, Any]]) -> int:
        """Write the figures of every entry again from the table (a lost figures store,
        services/kpi/view/): each zaak's contribution from its history, then the frozen
        ones, which came after their zaak's events. Returns the figures written."""
        written: list[tuple[str, Contribution]] = []
        frozen: list[tuple[str, Contribution]] = []
        for key, raw in entries:
            if not raw:
                continue
            if "frozen" in raw:
                contribution = {(str(c), str(f)): int(n) for c, f, n in raw["bijdrage"]}
                frozen.append((CONTRIBUTION_PREFIX + str(raw["frozen"]), contribution))
                continue
            history = VroegsignaalzaakHistory.from_dict(raw)
            if history.signals:
                zaak = json.loads(key)[1]
                written.append((CONTRIBUTION_PREFIX + zaak, vroegsignaalzaak_contribution(history)))
        await self.figures.replace_all([*written, *frozen])
        return len(written) + len(frozen)
