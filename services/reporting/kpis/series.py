"""The periodes of a series (``GET /api/v1/kpi/{kpi}/reeks``): consecutive months, half-years
or years. Pure: periode names in, periode names out."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from shared.core.kpi.periods import periode_bounds, periods_of

MAX_PERIODES = 120


class Stap(StrEnum):
    MAAND = "maand"
    HALFJAAR = "halfjaar"
    JAAR = "jaar"


def stap_of(periode: str) -> Stap:
    if "-H" in periode:
        return Stap.HALFJAAR
    return Stap.MAAND if "-" in periode else Stap.JAAR


def containing(stap: Stap, day: date) -> str:
    """The periode of ``stap`` that holds ``day``."""
    month, half, year = periods_of(day)
    return {Stap.MAAND: month, Stap.HALFJAAR: half, Stap.JAAR: year}[stap]


def following(periode: str) -> str:
    last_day = periode_bounds(periode)[1]
    return containing(stap_of(periode), date.fromordinal(last_day.toordinal() + 1))


def preceding(periode: str) -> str:
    first = periode_bounds(periode)[0]
    return containing(stap_of(periode), date.fromordinal(first.toordinal() - 1))


def series(van: str, tot: str) -> list[str]:
    """``van`` up to and including ``tot`` (the same stap, ``van`` not after ``tot``), at most
    ``MAX_PERIODES``; ValueError otherwise."""
    if stap_of(van) is not stap_of(tot):
        raise ValueError("van and tot must be periodes of the same kind")
    if periode_bounds(van)[0] > periode_bounds(tot)[0]:
        raise ValueError("van must not be after tot")
    out = [van]
    while out[-1] != tot:
        if len(out) == MAX_PERIODES:
            raise ValueError(f"a series has at most {MAX_PERIODES} periodes")
        out.append(following(out[-1]))
    return out


def last(tot: str, aantal: int) -> list[str]:
    """The ``aantal`` periodes up to and including ``tot``."""
    out = [tot]
    while len(out) < aantal:
        out.insert(0, preceding(out[0]))
    return out
