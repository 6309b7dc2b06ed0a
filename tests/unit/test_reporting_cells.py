"""Which cells answer a query (filters, peildatum) and in which order."""

from datetime import date

import pytest

from services.reporting.kpis.cells import CellId, CellOrder, Coverage, Filters, coverage, select
from shared.core.kpi.contribution import cell_key

TODAY = date(2026, 4, 15)
WIJKEN = ["Binnenstad", "Dierdonk", "Brandevoort"]


def names(*cells: tuple[str, str, str, str]) -> list[str]:
    return [cell_key(*c) for c in cells]


def test_cell_names_round_trip_and_bad_names_are_skipped():
    cell = CellId.parse("doorlooptijd|wmo|Brandevoort|2026-H1")
    assert cell == CellId("doorlooptijd", "wmo", "Brandevoort", "2026-H1")
    assert cell.name == "doorlooptijd|wmo|Brandevoort|2026-H1"
    assert CellId.parse("doorlooptijd|wmo|2026-03") is None
    assert CellId.parse("doorlooptijd|wmo|Brandevoort|maart") is None


@pytest.mark.parametrize(
    ("periode", "peildatum", "expected"),
    [
        ("2026-03", TODAY, Coverage.COMPLETE),
        ("2026-04", TODAY, Coverage.LIVE),
        ("2026-H1", TODAY, Coverage.LIVE),
        ("2026-05", TODAY, Coverage.NOTHING),
        ("2026-03", date(2026, 3, 31), Coverage.COMPLETE),
        ("2026-03", date(2026, 3, 30), Coverage.UNAVAILABLE),
        ("2026", date(2026, 3, 30), Coverage.UNAVAILABLE),
        ("2026-04", date(2026, 3, 30), Coverage.NOTHING),
        ("2025", date(2026, 3, 30), Coverage.COMPLETE),
    ],
)
def test_coverage_of_a_periode_on_a_peildatum(periode, peildatum, expected):
    assert coverage(periode, peildatum, TODAY) is expected


def test_select_filters_by_kpi_wet_wijk_and_periode():
    stored = names(
        ("doorlooptijd", "wmo", "Dierdonk", "2026-03"),
        ("doorlooptijd", "wmo", "gemeente", "2026-03"),
        ("doorlooptijd", "jeugdwet", "Dierdonk", "2026-03"),
        ("doorlooptijd", "wmo", "Dierdonk", "2026-H1"),
        ("wachttijd", "wmo", "Dierdonk", "2026-03"),
    )
    everything = select(stored, "doorlooptijd", Filters(), TODAY, TODAY)
    assert len(everything.cells) == 4
    only = select(
        stored, "doorlooptijd", Filters(periode="2026-03", wet="wmo", wijk="Dierdonk"), TODAY, TODAY
    )
    assert only.cells == [CellId("doorlooptijd", "wmo", "Dierdonk", "2026-03")]
    dierdonk = select(stored, "doorlooptijd", Filters(wijk="Dierdonk"), TODAY, TODAY)
    assert sorted((c.wet, c.periode) for c in dierdonk.cells) == [
        ("jeugdwet", "2026-03"),
        ("wmo", "2026-03"),
        ("wmo", "2026-H1"),
    ]


def test_select_leaves_out_and_names_periodes_running_on_an_earlier_peildatum():
    stored = names(
        ("doorlooptijd", "wmo", "gemeente", "2026"),
        ("doorlooptijd", "wmo", "gemeente", "2026-H1"),
        ("doorlooptijd", "wmo", "gemeente", "2026-02"),
        ("doorlooptijd", "wmo", "gemeente", "2026-03"),
        ("doorlooptijd", "wmo", "gemeente", "2026-04"),
        ("doorlooptijd", "wmo", "Dierdonk", "2026-03"),
    )
    selection = select(stored, "doorlooptijd", Filters(), date(2026, 3, 10), TODAY)
    assert [c.periode for c in selection.cells] == ["2026-02"]
    assert selection.weggelaten_perioden == ["2026", "2026-H1", "2026-03"]


def test_cells_sort_by_wet_wijk_and_periode():
    cells = [
        CellId("doorlooptijd", w, wijk, p)
        for w in ("sth", "wmo")
        for wijk in ("gemeente", "Verdwenen", "onbekend", "Brandevoort", "Binnenstad")
        for p in ("2026-02", "2026-H2", "2026-07", "2026", "2025", "2026-H1")
    ]
    ordered = sorted(cells, key=CellOrder(WIJKEN))
    assert ordered[0] == CellId("doorlooptijd", "wmo", "Binnenstad", "2025")
    assert [c.periode for c in ordered[:6]] == [
        "2025",
        "2026",
        "2026-H1",
        "2026-02",
        "2026-H2",
        "2026-07",
    ]
    wijken = list(dict.fromkeys(c.wijk for c in ordered if c.wet == "wmo"))
    assert wijken == ["Binnenstad", "Brandevoort", "onbekend", "gemeente", "Verdwenen"]
    assert ordered[-1].wet == "sth"
