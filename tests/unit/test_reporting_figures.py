"""The pure part of the reporting API: cell counters -> published figures, per role."""

from collections import Counter
from datetime import date
from math import ceil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.reporting.kpis import AVAILABLE, PLANNED
from services.reporting.kpis.cells import CellId, publish
from shared.core.kpi.contribution import day_field
from shared.core.kpi.dated import dated_field
from shared.core.kpi.definition import day_histogram
from shared.core.kpi.doorlooptijd import DOORLOOPTIJD, doorlooptijd_figures

PEILDATUM = date(2026, 4, 15)
BESLOTEN = date(2026, 3, 16)
CELL = CellId("doorlooptijd", "wmo", "Brandevoort", "2026-03")


def counters(days: list[int], tijdig: int, on: date = BESLOTEN) -> dict[str, str]:
    """A cell hash as the KPI worker writes it (strings, as Redis returns them): every besluit
    dated ``on`` (shared/core/kpi/dated.py)."""
    fields = {day_field(d): c for d, c in Counter(days).items()}
    counts = {"n": len(days), "tijdig": tijdig, **fields}
    return {dated_field(name, on): str(c) for name, c in counts.items() if c}


def test_doorlooptijd_figures_from_the_histogram():
    figures = doorlooptijd_figures(counters([1, 2, 3, 4], tijdig=3), PEILDATUM)
    # Nearest rank: the median of 1,2,3,4 is the 2nd smallest, p90 the ceil(3.6) = 4th.
    assert figures == {"n": 4, "n_tijdig": 3, "tijdig_pct": 75.0, "median": 2, "p90": 4}


def test_p90_of_eleven_values_is_the_tenth():
    figures = doorlooptijd_figures(counters(list(range(1, 12)), tijdig=11), PEILDATUM)
    assert (figures["median"], figures["p90"]) == (6, 10)


@pytest.mark.parametrize(
    ("tijdig", "n", "pct"), [(1, 3, 33.3), (2, 3, 66.7), (1, 8, 12.5), (1, 16, 6.3), (0, 7, 0.0)]
)
def test_tijdig_pct_rounds_half_up_to_one_decimal(tijdig, n, pct):
    assert doorlooptijd_figures(counters([10] * n, tijdig), PEILDATUM)["tijdig_pct"] == pct


def test_besluiten_count_from_their_datum_and_undated_fields_are_not_read() -> None:
    fields = {
        **counters([10, 20], tijdig=2, on=date(2026, 3, 5)),
        "n@20260320": "1",
        "d90@20260320": "1",
        # a besluit of 10 March whose figures change on the 25th (a fact dated then moves
        # its clock): negative changes take it out of its bucket and of tijdig
        "n@20260310": "1",
        "tijdig@20260310": "1",
        "d15@20260310": "1",
        "tijdig@20260325": "-1",
        "d15@20260325": "-1",
        "d30@20260325": "1",
        "n": "7",  # a doorlooptijd/1 (undated) counter: not part of the figures
        "d5": "7",
    }
    on = {
        "2026-03-04": {"n": 0, "n_tijdig": 0, "tijdig_pct": None, "median": None, "p90": None},
        "2026-03-05": {"n": 2, "n_tijdig": 2, "tijdig_pct": 100.0, "median": 10, "p90": 20},
        "2026-03-19": {"n": 3, "n_tijdig": 3, "tijdig_pct": 100.0, "median": 15, "p90": 20},
        "2026-03-24": {"n": 4, "n_tijdig": 3, "tijdig_pct": 75.0, "median": 15, "p90": 90},
        "2026-03-31": {"n": 4, "n_tijdig": 2, "tijdig_pct": 50.0, "median": 20, "p90": 90},
    }
    for peildatum, expected in on.items():
        assert doorlooptijd_figures(fields, date.fromisoformat(peildatum)) == expected, peildatum


def test_an_empty_cell_has_no_statistics():
    assert doorlooptijd_figures({}, PEILDATUM) == {
        "n": 0,
        "n_tijdig": 0,
        "tijdig_pct": None,
        "median": None,
        "p90": None,
    }


@given(st.lists(st.integers(0, 500), min_size=1, max_size=300))
def test_histogram_quantiles_equal_those_of_the_sorted_durations(days):
    figures = doorlooptijd_figures(counters(days, tijdig=0), PEILDATUM)
    ordered = sorted(days)
    assert figures["median"] == ordered[ceil(0.5 * len(days)) - 1]
    assert figures["p90"] == ordered[ceil(0.9 * len(days)) - 1]


def test_day_histogram_reads_only_day_counters():
    fields = {"n": "4", "tijdig": "2", "d0": "1", "d-2": "1", "d12": "2", "d7": "0", "dx": "9"}
    assert day_histogram(fields) == {0: 1, -2: 1, 12: 2}


def test_publiek_sees_small_counts_as_less_than_threshold_and_no_statistics():
    cell = publish(
        DOORLOOPTIJD, CELL, counters([5, 9, 30], 2), PEILDATUM, threshold=5, small_numbers=False
    )
    assert cell == {
        "wet": "wmo",
        "wijk": "Brandevoort",
        "periode": "2026-03",
        "n": "<5",
        "n_tijdig": "<5",
        "tijdig_pct": None,
        "median": None,
        "p90": None,
    }


def test_publiek_sees_statistics_over_enough_cases_with_a_small_count_hidden():
    days = [3, 8, 20, 41, 60, 70]
    cell = publish(
        DOORLOOPTIJD, CELL, counters(days, 4), PEILDATUM, threshold=5, small_numbers=False
    )
    assert cell is not None
    assert (cell["n"], cell["n_tijdig"], cell["tijdig_pct"]) == (6, "<5", 66.7)
    assert (cell["median"], cell["p90"]) == (20, 70)


def test_a_role_that_may_see_small_numbers_sees_them():
    cell = publish(
        DOORLOOPTIJD, CELL, counters([5, 9, 30], 2), PEILDATUM, threshold=5, small_numbers=True
    )
    assert cell is not None
    assert (cell["n"], cell["n_tijdig"], cell["tijdig_pct"], cell["median"], cell["p90"]) == (
        3,
        2,
        66.7,
        9,
        30,
    )


def test_the_threshold_comes_from_the_caller():
    cell = publish(
        DOORLOOPTIJD, CELL, counters([5, 9, 30], 2), PEILDATUM, threshold=3, small_numbers=False
    )
    assert cell is not None
    assert (cell["n"], cell["n_tijdig"], cell["median"]) == (3, "<3", 9)


def test_a_cell_with_nothing_counted_is_absent():
    assert publish(DOORLOOPTIJD, CELL, {}, PEILDATUM, threshold=5, small_numbers=True) is None


def test_registry_documents_every_figure_it_publishes():
    assert set(AVAILABLE) == {
        "doorlooptijd",
        "wachttijd",
        "sth-opgepakt",
        "sth-zonder-verwijzing",
        "bereik-ondersteuning",
        "bereik-vroegsignalering",
        "vroegsignalen",
    }
    assert set(PLANNED) == set()
    for kpi in AVAILABLE.values():
        figures = kpi.figures({"n@20260301": "5", "d1@20260301": "5"}, PEILDATUM)
        assert list(figures) == list(kpi.figure_docs), kpi.name
        assert kpi.counts <= set(figures) and kpi.basis in kpi.counts
        assert kpi.definitie == f"{kpi.name}/{kpi.version}"
