from collections import Counter
from datetime import date
from math import ceil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.core.kpi.periods import is_periode, periode_bounds, periods_of
from shared.core.kpi.stats import nearest_rank, percentage
from shared.core.kpi.suppression import suppress_cell


def test_nearest_rank_matches_the_brief():
    assert nearest_rank(Counter([1, 2, 3, 4]), 0.5) == 2
    assert nearest_rank(Counter([1, 2, 3, 4, 5]), 0.5) == 3
    assert nearest_rank(Counter(range(1, 11)), 0.9) == 9
    assert nearest_rank(Counter(range(1, 12)), 0.9) == 10  # ceil(9.9) = 10th
    assert nearest_rank({}, 0.5) is None


@given(st.lists(st.integers(0, 400), min_size=1, max_size=200), st.sampled_from([0.5, 0.9]))
def test_histogram_quantile_equals_sorted_list_quantile(values, p):
    expected = sorted(values)[ceil(p * len(values)) - 1]
    assert nearest_rank(Counter(values), p) == expected


@pytest.mark.parametrize(
    ("num", "n", "pct"),
    [(1, 8, 12.5), (1, 3, 33.3), (2, 3, 66.7), (1, 16, 6.3), (0, 5, 0.0), (5, 5, 100.0)],
)
def test_percentage_rounds_half_up_to_one_decimal(num, n, pct):
    assert percentage(num, n) == pct


def test_percentage_of_nothing_is_none():
    assert percentage(0, 0) is None


def test_periods():
    assert periods_of(date(2026, 3, 31)) == ("2026-03", "2026-H1", "2026")
    assert periods_of(date(2026, 7, 1)) == ("2026-07", "2026-H2", "2026")
    assert periode_bounds("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    assert periode_bounds("2026-12") == (date(2026, 12, 1), date(2026, 12, 31))
    assert periode_bounds("2026-H2") == (date(2026, 7, 1), date(2026, 12, 31))
    assert periode_bounds("2024") == (date(2024, 1, 1), date(2024, 12, 31))
    assert not is_periode("2026-13") and not is_periode("2026-H3") and is_periode("2026-H1")
    with pytest.raises(ValueError, match="2026-H1"):
        periode_bounds("H1-2026")


def test_small_numbers_are_suppressed():
    cell = {"wet": "wmo", "n": 4, "n_tijdig": 3, "tijdig_pct": 75.0, "median": 30, "p90": 50}
    out = suppress_cell(cell, counts={"n", "n_tijdig"}, basis="n", threshold=5)
    assert out == {
        "wet": "wmo",
        "n": "<5",
        "n_tijdig": "<5",
        "tijdig_pct": None,
        "median": None,
        "p90": None,
    }
    big = {"n": 12, "n_tijdig": 3, "tijdig_pct": 25.0, "median": 30, "p90": 50}
    assert suppress_cell(big, {"n", "n_tijdig"}, "n", 5) == {**big, "n_tijdig": "<5"}
