"""The Algemene termijnenwet (Atw) calendar: which days a legal term may not end on.

The ``holidays`` library supplies the moveable dates, but its default Dutch calendar is not
the Atw list: it has 5 mei only in lustrum years (5 mei is in its OPTIONAL category every
year) and it names Eerste Paas- and Pinksterdag, which the Atw does not list (they are Sundays
anyway). So the Atw days are picked from both categories by name, and a library change that
drops or renames one of them fails loudly instead of silently moving deadlines.

Every question is a table look-up (docs/performance.md, "KPI worker: issue 14"): the first
question about a year builds, for each of its days, the feestdag name, why it is no werkdag
and how many werkdagen of the year fall on or before it, and the year's werkdagen in order;
``add_werkdagen`` then indexes that list instead of stepping day by day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from holidays import country_holidays
from holidays.constants import OPTIONAL, PUBLIC

# Atw art. 3 lid 1 (feestdagen) and lid 2 (Goede Vrijdag), in the library's Dutch names.
ATW_FEESTDAGEN = frozenset(
    {
        "Nieuwjaarsdag",
        "Goede vrijdag",
        "Tweede paasdag",
        "Koningsdag",
        "Bevrijdingsdag",
        "Hemelvaartsdag",
        "Tweede pinksterdag",
        "Eerste kerstdag",
        "Tweede kerstdag",
    }
)
# Before 2014 the monarch's birthday was Koninginnedag; the Atw names the day, not the title.
_EARLIER_NAMES = frozenset({"Koninginnedag"})
GELIJKGESTELDE_DAG = "gelijkgestelde dag (Atw art. 3 lid 3)"
_WEEKEND = {5: "zaterdag", 6: "zondag"}
_ONE_DAY = timedelta(days=1)


class AtwCalendar:
    """Atw feestdagen plus the decreed gelijkgestelde dagen from configuration."""

    def __init__(self, gelijkgestelde_dagen: Iterable[date]) -> None:
        self._gelijkgesteld: dict[int, set[date]] = defaultdict(set)
        for day in gelijkgestelde_dagen:
            self._gelijkgesteld[day.year].add(day)
        self._years: dict[int, dict[date, str]] = {}
        self._days: dict[date, _Day] = {}
        """Every day of each year asked about: (feestdag name, why no werkdag, werkdagen of
        its year on or before it); None for a feestdag or reason that does not apply."""
        self._werkdagen: dict[int, list[date]] = {}
        """The werkdagen of each year asked about, in order."""

    def feestdagen(self, year: int) -> Mapping[date, str]:
        """Every day of ``year`` a term may not end on besides weekends, with its name."""
        days = self._years.get(year)
        if days is None:
            days = self._build_year(year)
            self._years[year] = days
        return days

    def _build_year(self, year: int) -> dict[date, str]:
        # observed=True is what moves Koningsdag to 26 april when the 27th is a Sunday.
        library = country_holidays(
            "NL", years=year, categories=(PUBLIC, OPTIONAL), language="nl", observed=True
        )
        days: dict[date, str] = {}
        found: set[str] = set()
        for day in sorted(library):
            # Two holidays on one day (Hemelvaart on 5 mei, as in 2016) share one entry.
            names = [str(n) for n in library.get_list(day) if n in ATW_FEESTDAGEN | _EARLIER_NAMES]
            if names:
                days[day] = "; ".join(names)
                found.update(names)
        if year >= 2014 and found != ATW_FEESTDAGEN:
            missing = sorted(ATW_FEESTDAGEN - found)
            raise RuntimeError(f"holidays library no longer yields Atw days {missing} in {year}")
        for day in self._gelijkgesteld.get(year, ()):
            days.setdefault(day, GELIJKGESTELDE_DAG)
        return days

    def _day(self, day: date) -> _Day:
        found = self._days.get(day)
        if found is None:
            self._build_days(day.year)
            found = self._days[day]
        return found

    def _build_days(self, year: int) -> None:
        feestdagen = self.feestdagen(year)
        werkdagen: list[date] = []
        day, end = date(year, 1, 1), date(year, 12, 31)
        while True:
            feest = feestdagen.get(day)
            reason = feest or _WEEKEND.get(day.weekday())
            if reason is None:
                werkdagen.append(day)
            self._days[day] = (feest, reason, len(werkdagen))
            if day == end:
                break
            day += _ONE_DAY
        self._werkdagen[year] = werkdagen

    def is_feestdag(self, day: date) -> str | None:
        """The name of the Atw feestdag or gelijkgestelde dag on ``day``, else None."""
        return self._day(day)[0]

    def is_werkdag(self, day: date) -> bool:
        return self._day(day)[1] is None

    def non_werkdag_reason(self, day: date) -> str | None:
        """Why ``day`` is no werkdag (feestdag name first, then weekday), None for a werkdag."""
        return self._day(day)[1]

    def shift_explained(self, day: date) -> tuple[date, list[tuple[date, str]]]:
        """Atw art. 1: the first werkdag on or after ``day``, and each day skipped with why."""
        skipped: list[tuple[date, str]] = []
        while (reason := self._day(day)[1]) is not None:
            skipped.append((day, reason))
            day += _ONE_DAY
        return day, skipped

    def next_werkdag_on_or_after(self, day: date) -> date:
        return day if self._day(day)[1] is None else self.add_werkdagen(day, 1)

    def add_werkdagen(self, day: date, n: int) -> date:
        """The n-th werkdag after ``day``; ``day`` itself never counts (0 gives ``day``)."""
        if n < 0:
            raise ValueError(f"cannot count back {n} werkdagen")
        if n == 0:
            return day
        year = day.year
        before = self._day(day)[2]  # werkdagen of the year on or before ``day``
        while True:
            werkdagen = self._werkdagen[year]
            if before + n <= len(werkdagen):
                return werkdagen[before + n - 1]
            n -= len(werkdagen) - before
            year, before = year + 1, 0
            self._day(date(year, 1, 1))  # builds the next year


_Day = tuple[str | None, str | None, int]
