"""The vroegsignalen record layout and the processor's handling of it, with an in-memory table
and figure store: per-record keys, frozen contributions, tombstones, and every replay the
topic can present after retention (all events, some, none) ending in the same figures."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from demo.vroegsignaal_output import catalog_events
from demo.vroegsignalen import VroegsignaalOptions, plan_vroegsignalering
from services.kpi.vroegsignalen.processor import CONTRIBUTION_PREFIX, VroegsignaalProcessor
from shared.contract.events import CloudEvent, to_structured_record
from shared.contract.events.binding import UndecodableRecord
from shared.contract.vroegsignaal_records import (
    FrozenContribution,
    frozen_key,
    frozen_value,
    household_partition,
    parse_frozen,
    record_key,
    record_owner,
)
from shared.core.kpi.contribution import Contribution
from shared.core.kpi.gewijzigd import ChangeTimes, cell_times
from shared.platform.settings import get_domain_config


class Figures:
    """The figures store as the replace script keeps it: each zaak's contribution and, per
    cell, the latest change time handed in (``wp:gewijzigd``)."""

    def __init__(self) -> None:
        self.by_zaak: dict[str, dict[tuple[str, str], int]] = {}
        self.gewijzigd: dict[str, int] = {}

    async def replace(
        self, zaak_id: str, contribution: Contribution, gewijzigd: ChangeTimes | None = None
    ) -> bool:
        self.by_zaak[zaak_id] = dict(contribution)
        self.gewijzigd = cell_times([self.gewijzigd, gewijzigd or {}])
        return True

    async def replace_all(self, items: Sequence[tuple[str, Contribution, ChangeTimes]]) -> None:
        for zaak_id, contribution, gewijzigd in items:
            await self.replace(zaak_id, contribution, gewijzigd)


def _events() -> list[CloudEvent]:
    options = VroegsignaalOptions(start=date(2025, 1, 1), months=1, inhabitants=5_000, seed=3)
    return catalog_events(plan_vroegsignalering(options, get_domain_config()))


EVENTS = _events()


def _record(event: CloudEvent) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    data = event.data.model_dump(mode="python")
    key = record_key(data["huishouden"], data["vroegsignaalzaak_id"], event.id)
    record = to_structured_record(event)
    return key.encode(), record.value, list(record.headers)


def _zaak(event: CloudEvent) -> str:
    return str(event.data.model_dump(mode="python")["vroegsignaalzaak_id"])


def _run(records: list[tuple[bytes, bytes | None, list[Any]]]) -> tuple[dict[str, Any], Figures]:
    table: dict[str, Any] = {}
    figures = Figures()
    processor = VroegsignaalProcessor(table=table, figures=figures)

    async def apply_all() -> None:
        for key, value, headers in records:
            await processor.apply(key, value, headers)

    asyncio.run(apply_all())
    return table, figures


def test_keys_name_their_owner_and_the_partition_is_the_households() -> None:
    key = record_key("a1b2", "vsz-9", "6f1c")
    owner = record_owner(key.encode())
    assert owner is not None and (owner.huishouden, owner.vroegsignaalzaak_id) == ("a1b2", "vsz-9")
    assert record_owner(frozen_key("vsz-9").encode()) is None
    assert {household_partition("a1b2", range(6)) for _ in range(3)} == {
        household_partition("a1b2", [5, 4, 3, 2, 1, 0])
    }
    with pytest.raises(ValueError):
        record_key("a:b", "vsz-9", "6f1c")


def test_frozen_value_round_trips_and_refuses_a_key_of_another_zaak() -> None:
    frozen = FrozenContribution("vsz-1", {("cell|x", "zaken@2025-01-02"): 1})
    value = frozen_value(frozen)
    assert parse_frozen(frozen_key("vsz-1").encode(), value) == frozen
    with pytest.raises(ValueError):
        parse_frozen(frozen_key("vsz-2").encode(), value)


def test_a_record_keyed_by_the_household_alone_is_refused() -> None:
    event = next(e for e in EVENTS if e.type.endswith("ontvangen"))
    record = to_structured_record(event)
    with pytest.raises(UndecodableRecord):
        _run([(record.key, record.value, list(record.headers))])


def _retire(zaak: str, events: list[CloudEvent], live: Figures) -> list[Any]:
    """What the retention job writes for ``zaak``: frozen figures, then a tombstone per record."""
    value = frozen_value(FrozenContribution(zaak, live.by_zaak[CONTRIBUTION_PREFIX + zaak]))
    tombstones = [(_record(e)[0], None, []) for e in events if _zaak(e) == zaak]
    return [(frozen_key(zaak).encode(), value, []), *tombstones]


@given(st.data())
def test_every_replay_after_retention_gives_the_live_figures(data: st.DataObject) -> None:
    records = [_record(e) for e in EVENTS]
    table, live = _run(records)
    zaken = sorted({_zaak(e) for e in EVENTS if e.type.endswith("ontvangen")})
    retired = data.draw(st.sets(st.sampled_from(zaken), min_size=1, max_size=5))
    after = [r for z in sorted(retired) for r in _retire(z, EVENTS, live)]

    table, figures = _run(records + after)  # live: the worker goes on
    assert figures.by_zaak == live.by_zaak
    assert not _household_state(table, retired)
    # A lost figures store is written again from the table alone: the same figures, the
    # retired zaken's from their frozen entries (services/kpi/view/).
    rebuilt = Figures()
    asyncio.run(VroegsignaalProcessor(table=table, figures=rebuilt).rewrite(table.items()))
    assert rebuilt.by_zaak == live.by_zaak

    # A replay sees the retired zaken's events in any state of compaction: all, some, none
    # (compaction keeps a record's order; it only removes what a later record shadows).
    kept = [
        r for r, e in zip(records, EVENTS, strict=True)
        if _zaak(e) not in retired or data.draw(st.booleans())
    ]  # fmt: skip
    table, replayed = _run(kept + [r for r in after if r[1] is not None])
    assert replayed.by_zaak == live.by_zaak
    table, replayed = _run(kept + after)
    assert replayed.by_zaak == live.by_zaak
    assert not _household_state(table, retired)


def _household_state(table: dict[str, Any], retired: set[str]) -> list[str]:
    """Table entries of retired zaken other than their frozen figures (which name no
    household: the zaak id and its contribution)."""
    return [k for k in table if any(z in k for z in retired) and "frozen" not in table[k]]
