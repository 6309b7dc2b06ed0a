"""When a vroegsignalen cell last changed (docs/kpis.md#gewijzigd), without a broker or Redis.

The vroegsignalen processor driven with a month of demo vroegsignalen, each record stamped
with its own acceptance time: the same records in the same order give the same times, a
duplicate changes nothing, each time is what a direct recomputation from the zaak's history
prefixes gives, and a retired zaak's frozen entry keeps its cells' times, so a rebuild of
the figures from the table writes the same ``gewijzigd`` as the worker did.
"""

from __future__ import annotations

import asyncio
from typing import Any

from test_vroegsignaal_records import EVENTS, Figures, _record, _retire, _zaak

from services.kpi.vroegsignalen.processor import (
    CONTRIBUTION_PREFIX,
    VroegsignaalProcessor,
    contribution_of,
    frozen_table_key,
)
from shared.contract.events.accepted import ACCEPTED_HEADER, accepted_ms
from shared.contract.events.catalog import TYPE_PREFIX
from shared.core.kpi.gewijzigd import changed_cells, from_stored, rfc3339
from shared.core.kpi.vroegsignalering import KINDS, VroegsignaalzaakHistory

Record = tuple[bytes, bytes | None, list[tuple[str, bytes]]]
BASE_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z


def _stamped(records: list[Record], first_ms: int = BASE_MS) -> list[Record]:
    """Each record with its own acceptance time, one second apart in this order."""
    return [
        (key, value, [*headers, (ACCEPTED_HEADER, rfc3339(first_ms + 1000 * i).encode())])
        for i, (key, value, headers) in enumerate(records)
    ]


def _apply(
    records: list[Record],
    table: dict[str, Any] | None = None,
    figures: Figures | None = None,
) -> tuple[dict[str, Any], Figures]:
    table = {} if table is None else table
    figures = Figures() if figures is None else figures
    processor = VroegsignaalProcessor(table=table, figures=figures)

    async def run() -> None:
        for key, value, headers in records:
            await processor.apply(key, value, headers)

    asyncio.run(run())
    return table, figures


def _entry_times(table: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {k: from_stored(v.get("gewijzigd")) for k, v in table.items() if v}


RECORDS = _stamped([_record(e) for e in EVENTS])


def test_the_same_records_in_the_same_order_give_the_same_times() -> None:
    table, figures = _apply(RECORDS)
    again_table, again = _apply(RECORDS)
    assert figures.gewijzigd and figures.gewijzigd == again.gewijzigd
    assert _entry_times(table) == _entry_times(again_table)
    stamps = {accepted_ms(h, None) for _, _, h in RECORDS}
    assert set(figures.gewijzigd.values()) <= stamps
    # every cell counted is dated (the cells a zaak left keep theirs too)
    assert {cell for c in figures.by_zaak.values() for cell, _ in c} <= set(figures.gewijzigd)


def test_a_duplicate_changes_no_time() -> None:
    table, figures = _apply(RECORDS)
    before_table, before = _entry_times(table), dict(figures.gewijzigd)
    later = _stamped([(k, v, h[:-1]) for k, v, h in RECORDS], BASE_MS + 10**9)
    _apply(later, table, figures)  # every record again, accepted much later
    assert figures.gewijzigd == before
    assert _entry_times(table) == before_table


def test_each_time_is_the_last_record_that_changed_the_zaaks_contribution() -> None:
    _, figures = _apply(RECORDS)
    histories: dict[tuple[str, str], VroegsignaalzaakHistory] = {}
    expected: dict[str, int] = {}
    for event, (_, _, headers) in zip(EVENTS, RECORDS, strict=True):
        kind = event.type.removeprefix(TYPE_PREFIX)
        if kind not in KINDS:
            continue
        data = event.data.model_dump(mode="python")
        owner = (str(data["huishouden"]), str(data["vroegsignaalzaak_id"]))
        old = histories.get(owner, VroegsignaalzaakHistory())
        new = histories[owner] = old.add(kind, event.source, event.id, event.time, data)
        at_ms = accepted_ms(headers, None)
        assert at_ms is not None
        for cell in changed_cells(contribution_of(old), contribution_of(new)):
            expected[cell] = max(expected.get(cell, at_ms), at_ms)
    assert figures.gewijzigd == expected


def test_a_record_without_the_header_counts_from_its_kafka_timestamp() -> None:
    table: dict[str, Any] = {}
    figures = Figures()
    processor = VroegsignaalProcessor(table=table, figures=figures)
    key, value, headers = _record(EVENTS[0])
    asyncio.run(processor.apply(key, value, headers, 1_767_225_600.25))
    assert figures.gewijzigd and set(figures.gewijzigd.values()) == {1_767_225_600_250}


def test_a_frozen_zaak_keeps_its_times_and_a_rebuild_writes_them_again() -> None:
    _, live = _apply(RECORDS)
    zaken = sorted({_zaak(e) for e in EVENTS if e.type.endswith("ontvangen")})[:3]
    retiring = [r for z in zaken for r in _retire(z, EVENTS, live)]
    table, figures = _apply(RECORDS + _stamped(retiring, BASE_MS + 10**9))
    # freezing changes no contribution, so no time moves
    assert figures.gewijzigd == live.gewijzigd
    for zaak in zaken:
        frozen = table[frozen_table_key(zaak)]
        cells = {cell for cell, _ in figures.by_zaak[CONTRIBUTION_PREFIX + zaak]}
        assert cells <= set(from_stored(frozen["gewijzigd"]))
    rebuilt = Figures()
    asyncio.run(VroegsignaalProcessor(table=table, figures=rebuilt).rewrite(table.items()))
    assert rebuilt.by_zaak == figures.by_zaak
    assert rebuilt.gewijzigd == figures.gewijzigd
