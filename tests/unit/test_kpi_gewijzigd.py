"""When a cell last changed (docs/kpis.md#gewijzigd), without a broker or Redis.

The rule: a cell's ``gewijzigd`` is the latest acceptance time of a record whose application
changed a zaak's contribution to that cell. Checked on the pure functions (hypothesis) and on
the worker's processor driven with a seeded stream: the same records in offset order give the
same times, a record that changes nothing leaves them, and every time is what a direct
recomputation from the zaak's history prefixes gives.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from fixtures.alert_stream import CAL, DOMAIN, Published, Record, stream
from hypothesis import given
from hypothesis import strategies as st

from services.kpi.settings import KpiSettings
from services.kpi.zaken.facts import zaak_fact
from services.kpi.zaken.figures_sink import FiguresOfZaak, encode_times
from services.kpi.zaken.processor import ZaakProcessor
from services.kpi.zaken.schedule import AlertSchedule
from services.kpi.zaken.state import ZaakState
from shared.contract.events import from_kafka_record
from shared.contract.events.accepted import ACCEPTED_HEADER, accepted_header, accepted_ms
from shared.core.domain import ZaakHistory
from shared.core.kpi.contribution import zaak_contribution
from shared.core.kpi.gewijzigd import (
    cell_times,
    changed_cells,
    from_stored,
    parse_rfc3339_ms,
    record_change,
    rfc3339,
    to_stored,
)

CELLS = st.sampled_from([f"doorlooptijd|wmo|{w}|2026-0{m}" for w in "ABC" for m in "123"])
TIMES = st.integers(min_value=0, max_value=4_102_444_800_000)  # 1970..2100
CHANGES = st.lists(st.tuples(st.frozensets(CELLS), TIMES), max_size=12)


# --- the pure rule -------------------------------------------------------------------------


@given(TIMES)
def test_a_time_is_written_at_fixed_width_and_read_back(at_ms: int) -> None:
    text = rfc3339(at_ms)
    assert len(text) == 24 and text.endswith("Z")
    assert parse_rfc3339_ms(text) == at_ms


@given(TIMES, TIMES)
def test_the_texts_order_as_the_times(a: int, b: int) -> None:
    assert (rfc3339(a) < rfc3339(b)) == (a < b)


def test_an_offset_is_read_and_a_local_time_refused() -> None:
    assert parse_rfc3339_ms("2026-03-02T09:15:00.123+01:00") == parse_rfc3339_ms(
        "2026-03-02T08:15:00.123Z"
    )
    try:
        parse_rfc3339_ms("2026-03-02T09:15:00")
    except ValueError:
        pass
    else:
        raise AssertionError("a time without an offset was read")


def test_changed_cells_are_the_cells_entered_left_or_moved_within() -> None:
    old = {("a|x", "n@20260101"): 1, ("b|x", "n@20260101"): 1, ("c|x", "n@20260101"): 1}
    new = {("a|x", "n@20260101"): 1, ("b|x", "n@20260102"): 1, ("d|x", "n@20260101"): 1}
    assert changed_cells(old, new) == {"b|x", "c|x", "d|x"}
    assert changed_cells(new, new) == set()
    assert changed_cells({("a|x", "n"): 0}, {}) == set()  # a zero increment is no count


@given(CHANGES)
def test_each_cell_keeps_the_latest_time_whatever_the_order(
    changes: list[tuple[frozenset[str], int]],
) -> None:
    times: Any = {}
    for cells, at_ms in changes:
        times = record_change(times, cells, at_ms)
    shuffled = list(changes)
    random.Random(len(changes)).shuffle(shuffled)
    again: Any = {}
    for cells, at_ms in shuffled:
        again = record_change(again, cells, at_ms)
    assert times == again
    expected: dict[str, int] = {}
    for cells, at_ms in changes:
        for cell in cells:
            expected[cell] = max(expected.get(cell, -1), at_ms)
    assert times == expected


@given(CHANGES, st.frozensets(CELLS), TIMES)
def test_a_change_no_later_than_known_leaves_the_times_as_they_are(
    changes: list[tuple[frozenset[str], int]], cells: frozenset[str], at_ms: int
) -> None:
    times: Any = {}
    for changed, when in changes:
        times = record_change(times, changed, when)
    assert record_change(times, (), at_ms) is times
    if all(times.get(c, -1) >= at_ms for c in cells):
        assert record_change(times, cells, at_ms) is times


@given(st.lists(CHANGES, max_size=4))
def test_the_stored_form_round_trips_and_the_cells_take_the_latest_zaak(
    zaken: list[list[tuple[frozenset[str], int]]],
) -> None:
    states = []
    for changes in zaken:
        times: Any = {}
        for cells, at_ms in changes:
            times = record_change(times, cells, at_ms)
        assert from_stored(to_stored(times)) == times
        states.append(times)
    merged = cell_times(states)
    assert merged == cell_times(reversed(states))
    for cell, at_ms in merged.items():
        assert at_ms == max(s.get(cell, -1) for s in states)


def test_the_header_is_read_and_the_record_timestamp_is_the_fallback() -> None:
    name, value = accepted_header(datetime(2026, 3, 2, 8, 15, 0, 123000, tzinfo=UTC))
    assert (name, value) == (ACCEPTED_HEADER, b"2026-03-02T08:15:00.123Z")
    at_ms = parse_rfc3339_ms("2026-03-02T08:15:00.123Z")
    assert accepted_ms([("content-type", b"x"), (name, value)], 1.0) == at_ms
    assert accepted_ms([("content-type", b"x")], 1772439300.5) == 1772439300500
    assert accepted_ms([(name, b"not a time")], 2.0) == 2000  # unreadable: the timestamp
    assert accepted_ms([], None) is None
    assert accepted_ms([], -1.0) is None


# --- the worker's processor ----------------------------------------------------------------


class KeptFigures:
    """The figures view as the processor hands it over (the last one per zaak)."""

    def __init__(self) -> None:
        self.zaken: dict[str, FiguresOfZaak] = {}

    async def replace(self, zaak_id: str, zaak: FiguresOfZaak) -> bool:
        self.zaken[zaak_id] = zaak
        return True


class NoSink:
    async def replace(self, zaak_id: str, _: object) -> bool:
        return True


def stamped(records: Sequence[Record], every: int = 1) -> list[Record]:
    """Each ``every``-th record with an acceptance header (its day, 10:00 + its index in s);
    the others keep only their Kafka timestamp."""
    out = []
    for i, r in enumerate(records):
        headers = r.headers
        if i % every == 0:
            moment = datetime.fromtimestamp(r.timestamp_ms / 1000 + i, UTC)
            headers = (*headers, accepted_header(moment))
        out.append(Record(r.partition, r.day, r.key, r.value, headers))
    return out


async def run(records: Sequence[Record]) -> tuple[dict[str, Any], KeptFigures]:
    table: dict[str, Any] = {}
    figures = KeptFigures()
    p = ZaakProcessor(
        table=table,
        domain=DOMAIN,
        calendar=CAL,
        schedule=AlertSchedule(),
        publisher=Published(),
        figures=figures,
        termijnen=NoSink(),
        wachtend=NoSink(),
        alert_window_days=KpiSettings().alert_window_days,
    )
    p.ensure_built([0, 1, 2])
    for r in records:
        day = await p.catch_up(r.partition, r.day, r.day)
        await p.apply(r.partition, day, r.key, r.value, r.headers, r.timestamp_ms / 1000)
    return table, figures


def recomputed(records: Sequence[Record]) -> dict[str, dict[str, int]]:
    """The rule applied directly: per zaak, its records in order, the contribution of each
    history prefix compared with the one before."""
    histories: dict[str, ZaakHistory] = {}
    times: dict[str, dict[str, int]] = {}
    for r in records:
        found = zaak_fact(from_kafka_record(r.key, r.value, list(r.headers)))
        assert found is not None
        zaak, fact = found
        before = histories.get(zaak, ZaakHistory())
        after = histories[zaak] = before.add(fact)
        old = zaak_contribution(before, DOMAIN, CAL, zaak_id=zaak) if before.facts else {}
        new = zaak_contribution(after, DOMAIN, CAL, zaak_id=zaak)
        at_ms = accepted_ms(r.headers, r.timestamp_ms / 1000)
        assert at_ms is not None
        zaak_times = times.setdefault(zaak, {})
        for cell in changed_cells(old, new):
            zaak_times[cell] = max(zaak_times.get(cell, -1), at_ms)
    return times


async def test_the_processor_dates_exactly_the_cells_each_record_changed() -> None:
    records = stamped(stream(seed=5, zaken=40), every=2)
    table, figures = await run(records)
    expected = recomputed(records)
    got = {zaak: dict(ZaakState.from_table(raw).gewijzigd) for zaak, raw in table.items()}
    assert got == {zaak: t for zaak, t in expected.items()}
    assert sum(len(t) for t in got.values()) > 100
    stamps = {accepted_ms(r.headers, r.timestamp_ms / 1000) for r in records}
    assert {t for zaak in got.values() for t in zaak.values()} <= stamps
    # the view gets the state's times, and every cell a zaak counts in has one
    for zaak, kept in figures.zaken.items():
        assert kept.gewijzigd == got[zaak]
        assert kept.contribution is not None
        assert {cell for cell, _ in kept.contribution} <= set(kept.gewijzigd)


async def test_a_replay_in_offset_order_gives_the_same_times_and_duplicates_change_none() -> None:
    records = stamped(stream(seed=7, zaken=40))
    first, first_figures = await run(records)
    again, again_figures = await run(records)
    assert first == again
    assert {z: encode_times(f.gewijzigd) for z, f in first_figures.zaken.items()} == {
        z: encode_times(f.gewijzigd) for z, f in again_figures.zaken.items()
    }
    # every record delivered twice (later acceptance times): nothing changes a contribution
    redelivered = [
        Record(r.partition, r.day, r.key, r.value, (*r.headers, (ACCEPTED_HEADER, b"x")))
        for r in records
    ]
    table, _ = await run([*records, *stamped(redelivered)])
    assert table == first
