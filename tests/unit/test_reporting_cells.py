"""Which cells answer a query (filters, peildatum) and in which order."""

from datetime import date

import pytest

from services.reporting.kpis.cells import CellId, CellOrder, Filters, periode_order, select
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


def test_select_filters_by_kpi_wet_wijk_and_periode():
    stored = names(
        ("doorlooptijd", "wmo", "Dierdonk", "2026-03"),
        ("doorlooptijd", "wmo", "gemeente", "2026-03"),
        ("doorlooptijd", "jeugdwet", "Dierdonk", "2026-03"),
        ("doorlooptijd", "wmo", "Dierdonk", "2026-H1"),
        ("wachttijd", "wmo", "Dierdonk", "2026-03"),
    )
    everything = select(stored, "doorlooptijd", Filters(), TODAY)
    assert len(everything) == 4
    only = select(
        stored, "doorlooptijd", Filters(periode="2026-03", wet="wmo", wijk="Dierdonk"), TODAY
    )
    assert only == [CellId("doorlooptijd", "wmo", "Dierdonk", "2026-03")]
    dierdonk = select(stored, "doorlooptijd", Filters(wijk="Dierdonk"), TODAY)
    assert sorted((c.wet, c.periode) for c in dierdonk) == [
        ("jeugdwet", "2026-03"),
        ("wmo", "2026-03"),
        ("wmo", "2026-H1"),
    ]


@pytest.mark.parametrize("kpi", ["doorlooptijd", "wachttijd", "bereik-ondersteuning"])
@pytest.mark.parametrize(
    ("peildatum", "expected"),
    [
        (TODAY, ["2026", "2026-H1", "2026-02", "2026-03", "2026-04"]),
        # a past peildatum: the periodes running on it are given too, cut at it (every KPI)
        (date(2026, 3, 10), ["2026", "2026-H1", "2026-02", "2026-03"]),
        (date(2026, 3, 31), ["2026", "2026-H1", "2026-02", "2026-03"]),
        (date(2026, 2, 28), ["2026", "2026-H1", "2026-02"]),
        (date(2025, 12, 31), []),
    ],
)
def test_select_gives_every_periode_begun_by_the_peildatum_running_or_closed(
    kpi: str, peildatum: date, expected: list[str]
) -> None:
    stored = names(
        *((kpi, "wmo", "gemeente", p) for p in ("2026", "2026-H1", "2026-02", "2026-03")),
        (kpi, "wmo", "gemeente", "2026-04"),
        (kpi, "wmo", "gemeente", "2026-H2"),
    )
    selected = select(stored, kpi, Filters(), peildatum)
    assert sorted((c.periode for c in selected), key=periode_order) == expected


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
