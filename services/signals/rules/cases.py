"""Household cases (vroegsignaalzaken) from signal dates: docs/domain.md#vroegsignalering, pure.

The matching period of a case starts at the signaaldatum of its first signal and lasts the
configured window (``window_months``): a signal dated on or after the start and before
start + window joins; a signal after it opens a new case.

Arrival order. Signals usually arrive in date order, and then the result is exactly the
brief's rule. A signal dated *before* a case's start can arrive late (a partner's delayed
delivery). Two choices would make grouping fully order-free: regroup the household from
scratch, or refuse the late signal. Both would move already published signals between cases,
and contactpogingen already recorded on a case would lose their meaning. So the rule here is:
**a published signal never changes case**. A late signal that would have been the first of an
existing case (it lies less than one window before that case's start) joins that case and
re-anchors its period to the late signal's date; any other late signal opens its own case.
This equals the order-free grouping whenever the household's signals of the re-anchored case
all still lie within one window of the new start; otherwise it keeps the published grouping.
"""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from shared.core.ddas import Signaalpartner

_CASE_NAMESPACE = uuid.UUID("0b9f4c1e-2f4a-5d27-9a53-7b6f1d9d4c21")


def add_months(start: date, months: int) -> date:
    """Calendar months, clamped to the month's last day (31 jan + 1 month = 28/29 feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class CaseSpan:
    id: str
    start: date

    def end(self, window_months: int) -> date:
        """First day after the matching period."""
        return add_months(self.start, window_months)

    def einde(self, window_months: int) -> date:
        """Last day of the matching period (DDAS einddatum matchingperiode)."""
        return self.end(window_months) - timedelta(days=1)

    def contains(self, datum: date, window_months: int) -> bool:
        return self.start <= datum < self.end(window_months)


@dataclass(frozen=True)
class Join:
    case_id: str
    start: date  # the case's start after this signal (earlier when re-anchored)


@dataclass(frozen=True)
class Open:
    start: date


def assign(cases: Sequence[CaseSpan], datum: date, window_months: int) -> Join | Open:
    """Where a household's new signal dated ``datum`` goes, given its existing cases."""
    containing = sorted((c for c in cases if c.contains(datum, window_months)), key=_order)
    if containing:
        return Join(containing[0].id, containing[0].start)
    reach = add_months(datum, window_months)
    later = sorted((c for c in cases if datum < c.start < reach), key=_order)
    if later:
        return Join(later[0].id, datum)
    return Open(datum)


def _order(case: CaseSpan) -> tuple[date, str]:
    return (case.start, case.id)


def new_case_id(huishouden: str, signaal_key: str) -> str:
    """Stable for the opening signal, so reloading a delivery finds the same case."""
    return "vsz-" + uuid.uuid5(_CASE_NAMESPACE, f"{huishouden}|{signaal_key}").hex


@dataclass(frozen=True)
class CaseSignal:
    signaalpartner: Signaalpartner
    signaaldatum: date
    bedrag: float
    crisis: bool


@dataclass(frozen=True)
class CaseSummary:
    signalen: int
    signaalpartners: int
    meervoudig: bool  # two or more signaalpartner types (docs/domain.md#vroegsignalering)
    crisis: bool  # any crisissignaal, eindeleveringssignalen included
    bedrag: float
    eerste_signaal: date


def summarise(signals: Sequence[CaseSignal]) -> CaseSummary:
    if not signals:
        raise ValueError("a case has at least one signal")
    partners = {s.signaalpartner for s in signals}
    return CaseSummary(
        signalen=len(signals),
        signaalpartners=len(partners),
        meervoudig=len(partners) >= 2,
        crisis=any(s.crisis for s in signals),
        bedrag=round(sum(s.bedrag for s in signals), 2),
        eerste_signaal=min(s.signaaldatum for s in signals),
    )
