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

When a figure last changed (docs/kpis.md#gewijzigd). Each record's acceptance time (its
``wijkpuls_geaccepteerd`` header, else its Kafka timestamp) dates the cells whose
contribution it changed: the entry's contribution before and after the record are compared
(``changed_cells``, shared/core/kpi/gewijzigd.py) and the entry keeps, per cell it ever
changed (the cells it left included), the latest such time (a ``gewijzigd`` member beside
the history), which the figures script takes into the cells' ``gewijzigd``. An entry without
a signal counts for nothing, so its contribution is empty. The frozen entry keeps the times
too: the first tombstone of the zaak's events finds the household entry still in the table
and carries its times over (with the frozen record's own acceptance time on any cell the
frozen contribution changed), so a rebuild from the table writes the same ``gewijzigd``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, MutableMapping, Sequence
from typing import Any, Protocol

from shared.contract.events.accepted import accepted_ms
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
from shared.core.kpi.gewijzigd import (
    ChangeTimes,
    cell_times,
    changed_cells,
    from_stored,
    record_change,
    to_stored,
)
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
    async def replace(
        self, zaak_id: str, contribution: Contribution, gewijzigd: ChangeTimes | None = None
    ) -> bool: ...

    async def replace_all(self, items: Sequence[tuple[str, Contribution, ChangeTimes]]) -> None:
        """``replace`` for each in order (a rebuild of the figures)."""
        ...


def contribution_of(history: VroegsignaalzaakHistory) -> Contribution:
    """What an entry adds to the figures: nothing without a signal (it writes none)."""
    return vroegsignaalzaak_contribution(history) if history.signals else {}


def entry_value(history: VroegsignaalzaakHistory, times: ChangeTimes) -> dict[str, Any]:
    """The table value of a household entry: its history and, once a record changed its
    contribution, its cells' change times."""
    value = history.to_dict()
    if times:
        value["gewijzigd"] = to_stored(times)
    return value


def frozen_value(
    zaak: str, contribution: Contribution, times: ChangeTimes, at_ms: int | None
) -> dict[str, Any]:
    """The table value of a zaak's frozen contribution, with its cells' change times and the
    frozen record's acceptance time (for the cells its contribution changes, see above)."""
    value: dict[str, Any] = {
        "frozen": zaak,
        "bijdrage": sorted([c, f, n] for (c, f), n in contribution.items() if n),
    }
    if times:
        value["gewijzigd"] = to_stored(times)
    if at_ms is not None:
        value["geaccepteerd"] = at_ms
    return value


def _frozen_contribution(raw: Any) -> Contribution:
    return {(str(c), str(f)): int(n) for c, f, n in raw["bijdrage"]}


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
        self,
        key: bytes | None,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes]],
        timestamp_s: float | None = None,
    ) -> str | None:
        """Apply one record; returns the table key it touched, None when it was not for us.

        ``timestamp_s``: the record's Kafka timestamp, its acceptance time when it carries no
        ``wijkpuls_geaccepteerd`` header.

        Raises UndecodableRecord for a record that is not a valid catalog event or frozen
        contribution. A tombstone (the retention job of the signals service writes them)
        changes no figure: figures of periods whose events are gone stay frozen
        (docs/domain.md#retention).
        """
        at_ms = accepted_ms(headers, timestamp_s)
        if is_frozen_key(key):
            return await self._apply_frozen(key, value, at_ms)
        if value is None:
            owner = record_owner(key)
            if owner is None:
                return None
            entry = table_key(owner.huishouden, owner.vroegsignaalzaak_id)
            raw = self.table.get(entry)
            if raw:
                await self._carry_to_frozen(owner.vroegsignaalzaak_id, raw)
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
        raw = self.table.get(entry)
        before = VroegsignaalzaakHistory.from_dict(raw)
        times: ChangeTimes = from_stored(raw.get("gewijzigd")) if raw else {}
        after = before.add(kind, event.source, event.id, event.time, data)
        contribution = contribution_of(after)
        if after != before:
            if at_ms is not None:
                changed = changed_cells(contribution_of(before), contribution)
                times = record_change(times, changed, at_ms)
            self.table[entry] = entry_value(after, times)
        # Idempotent, so it runs even when nothing changed: that heals a crash between the
        # changelog write and the Redis write. An entry without a signal counts for nothing
        # and must not blank the figures its zaak has under another entry.
        if after.signals:
            await self.figures.replace(CONTRIBUTION_PREFIX + zaak, contribution, times)
        return entry

    async def _apply_frozen(
        self, key: bytes | None, value: bytes | None, at_ms: int | None
    ) -> str | None:
        if key is None or value is None:
            return None  # the frozen figures are never tombstoned; nothing to undo
        try:
            frozen = parse_frozen(key, value)
        except NotAFrozenContribution as exc:
            raise UndecodableRecord(str(exc)) from None
        zaak = frozen.vroegsignaalzaak_id
        # Kept in the table as well, so a lost figures store gets it back (rewrite). A zaak
        # frozen again (a retention run repeated) keeps the times it has; the household
        # entry's come with the first tombstone (_carry_to_frozen).
        known = self.table.get(frozen_table_key(zaak))
        times = from_stored(known.get("gewijzigd")) if known else {}
        self.table[frozen_table_key(zaak)] = frozen_value(zaak, frozen.contribution, times, at_ms)
        await self.figures.replace(CONTRIBUTION_PREFIX + zaak, frozen.contribution, times)
        return None

    async def _carry_to_frozen(self, zaak: str, raw: Any) -> None:
        """Before a tombstone drops a household entry of a frozen zaak: its cells' change
        times go into the frozen entry (the later of the two per cell), with the frozen
        record's acceptance time on each cell whose contribution the frozen one changed."""
        frozen = self.table.get(frozen_table_key(zaak))
        history = VroegsignaalzaakHistory.from_dict(raw)
        if not frozen or not history.signals:
            return  # not frozen (yet), or an entry that never wrote the figures
        contribution = _frozen_contribution(frozen)
        times: ChangeTimes = from_stored(raw.get("gewijzigd"))
        at_ms = frozen.get("geaccepteerd")
        if at_ms is not None:
            changed = changed_cells(contribution_of(history), contribution)
            times = record_change(times, changed, int(at_ms))
        known = from_stored(frozen.get("gewijzigd"))
        merged = cell_times([known, times])
        if merged == known:
            return
        self.table[frozen_table_key(zaak)] = frozen_value(zaak, contribution, merged, at_ms)
        await self.figures.replace(CONTRIBUTION_PREFIX + zaak, contribution, merged)

    async def rewrite(self, entries: Iterable[tuple[str, Any]]) -> int:
        """Write the figures of every entry again from the table (a lost figures store,
        services/kpi/view/): each zaak's contribution from its history, then the frozen
        ones, which came after their zaak's events. Returns the figures written."""
        written: list[tuple[str, Contribution, ChangeTimes]] = []
        frozen: list[tuple[str, Contribution, ChangeTimes]] = []
        for key, raw in entries:
            if not raw:
                continue
            times = from_stored(raw.get("gewijzigd"))
            if "frozen" in raw:
                zaak_id = CONTRIBUTION_PREFIX + str(raw["frozen"])
                frozen.append((zaak_id, _frozen_contribution(raw), times))
                continue
            history = VroegsignaalzaakHistory.from_dict(raw)
            if history.signals:
                zaak = json.loads(key)[1]
                contribution = vroegsignaalzaak_contribution(history)
                written.append((CONTRIBUTION_PREFIX + zaak, contribution, times))
        await self.figures.replace_all([*written, *frozen])
        return len(written) + len(frozen)
