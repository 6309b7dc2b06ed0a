"""Dates and times of the demo: werkdagen, legal terms from configuration, logging times.

Business dates (``data.datum``) fall on werkdagen; ``time`` is when the case system logged
the event: the same werkdag or a few later, during office hours, in Europe/Amsterdam.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from shared.core.domain import AtwCalendar
from shared.core.domain_config import ClockConfig, DomainConfig, Term, Wet
from shared.core.local_time import AMSTERDAM, amsterdam_today

_DAY = timedelta(days=1)


class Timing:
    def __init__(self, domain: DomainConfig) -> None:
        self.calendar = AtwCalendar(domain.gelijkgestelde_dagen)
        self._clocks = {c.id: c for c in domain.clocks}

    def clock(self, wet: Wet, stop: str) -> ClockConfig:
        """The configured clock of ``wet`` stopped by ``stop`` (the headline one first)."""
        found = sorted(
            (c for c in self._clocks.values() if c.wet is wet and c.stop == stop),
            key=lambda c: not c.headline,
        )
        if not found:
            raise LookupError(f"no clock for {wet} stopped by {stop} in the domain config")
        return found[0]

    def term_end(self, start: date, term: Term) -> date:
        """Due date before opschorting/verdaging and Atw shift (weeks/days from the next day)."""
        if term.unit == "werkdagen":
            return self.calendar.add_werkdagen(start, term.amount)
        return start + timedelta(days=term.amount * (7 if term.unit == "weeks" else 1))

    def on_or_after(self, day: date) -> date:
        return self.calendar.next_werkdag_on_or_after(day)

    def on_or_before(self, day: date) -> date:
        while not self.calendar.is_werkdag(day):
            day -= _DAY
        return day

    def werkdagen_after(self, day: date, n: int) -> date:
        return self.calendar.add_werkdagen(day, n)

    def werkdagen_in_month(self, year: int, month: int) -> list[date]:
        day = date(year, month, 1)
        days = []
        while day.month == month:
            if self.calendar.is_werkdag(day):
                days.append(day)
            day += _DAY
        return days

    def logged_at(self, rng: random.Random, datum: date, lag: int | None = None) -> datetime:
        """When the event was logged: mostly the same werkdag, sometimes a few later."""
        if lag is None:
            draw = rng.random()
            lag = 0 if draw < 0.75 else 1 if draw < 0.93 else rng.randint(2, 5)
        day = self.werkdagen_after(datum, lag) if lag else self.on_or_after(datum)
        minute = rng.randint(8 * 60 + 15, 17 * 60 + 30)
        logged = time(minute // 60, minute % 60, rng.randint(0, 59))
        return datetime.combine(day, logged, tzinfo=AMSTERDAM)


def today() -> date:
    return amsterdam_today()


def month_start(text: str) -> date:
    """``2025-12`` -> 2025-12-01 (argparse type)."""
    year, _, month = text.partition("-")
    return date(int(year), int(month), 1)


def add_months(day: date, months: int) -> date:
    """First day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
