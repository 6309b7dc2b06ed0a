"""Periodes at the edges of the calendar: no year 0000, and December 9999 has a last day."""

from __future__ import annotations

from datetime import date

import pytest

from shared.core.kpi.periods import PeriodeError, is_periode, periode_bounds


def test_year_0000_is_no_periode_and_says_so_as_a_value_error() -> None:
    for text in ("0000", "0000-01", "0000-H2"):
        assert not is_periode(text)
        with pytest.raises(PeriodeError, match="years 0001-9999"):
            periode_bounds(text)
    assert issubclass(PeriodeError, ValueError)  # callers that catch ValueError still do


def test_the_first_and_last_months_of_the_calendar() -> None:
    assert periode_bounds("0001-01") == (date(1, 1, 1), date(1, 1, 31))
    assert periode_bounds("9999-12") == (date(9999, 12, 1), date(9999, 12, 31))
    assert periode_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert periode_bounds("2026-H2") == (date(2026, 7, 1), date(2026, 12, 31))
