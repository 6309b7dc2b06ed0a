"""Reporting periods (docs/domain.md#kpis): month ``2026-03``, half-year ``2026-H1``/``2026-H2``,
year ``2026``."""

from __future__ import annotations

import calendar
import re
from datetime import date

# Years 0001-9999, the range of a date: year 0000 has no first day.
_PERIODE = re.compile(
    r"^(?P<year>(?!0000)[0-9]{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|H(?P<half>[12])))?$"
)


class PeriodeError(ValueError):
    """Not a periode (or one before year 1, such as the half-year before 0001-H1): the
    services answer it as an invalid request (422), never as a server error."""


def periods_of(day: date) -> tuple[str, str, str]:
    """The month, half-year and year a business date is counted in."""
    half = 1 if day.month <= 6 else 2
    return f"{day.year}-{day.month:02d}", f"{day.year}-H{half}", f"{day.year}"


def is_periode(text: str) -> bool:
    return _PERIODE.match(text) is not None


def periode_bounds(periode: str) -> tuple[date, date]:
    """First and last day of a periode; ValueError names the accepted forms."""
    match = _PERIODE.match(periode)
    if match is None:
        raise PeriodeError("periode must look like 2026-03, 2026-H1 or 2026 (years 0001-9999)")
    year = int(match["year"])
    if match["month"]:
        month = int(match["month"])
        # monthrange, not "the day before the next month's first": 9999-12 has no next month
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if match["half"]:
        return (
            (date(year, 1, 1), date(year, 6, 30))
            if match["half"] == "1"
            else (date(year, 7, 1), date(year, 12, 31))
        )
    return date(year, 1, 1), date(year, 12, 31)
