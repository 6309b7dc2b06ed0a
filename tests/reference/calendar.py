"""Atw calendar from first principles (Atw art. 1 and 3; gelijkgestelde dagen from config)."""

from __future__ import annotations

from datetime import date, timedelta


def easter(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous / Meeus-Jones-Butcher algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741  (the algorithm's own name)
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    day = (h + l - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def feestdagen(year: int) -> set[date]:
    e = easter(year)
    koningsdag = date(year, 4, 27)
    if koningsdag.weekday() == 6:
        koningsdag = date(year, 4, 26)
    return {
        date(year, 1, 1), e - timedelta(days=2), e + timedelta(days=1), koningsdag,
        date(year, 5, 5), e + timedelta(days=39), e + timedelta(days=50),
        date(year, 12, 25), date(year, 12, 26),
    }  # fmt: skip


class Calendar:
    def __init__(self, gelijkgesteld: set[date]) -> None:
        self.gelijkgesteld = gelijkgesteld

    def werkdag(self, day: date) -> bool:
        return day.weekday() < 5 and day not in feestdagen(day.year) | self.gelijkgesteld

    def shift(self, day: date) -> date:
        while not self.werkdag(day):
            day += timedelta(days=1)
        return day

    def plus_werkdagen(self, day: date, n: int) -> date:
        while n:
            day += timedelta(days=1)
            n -= self.werkdag(day)
        return day
