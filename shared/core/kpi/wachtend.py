"""wachtend (docs/domain.md#kpi-wachtend): zaken granted whose care has not started on the
peildatum.

A zaak is wachtend on a peildatum *P* when, as known on *P* (``history.as_of(P)``, so the
correction rule applies as for every figure):

- its aanmelding is known (without one it has no wet or wijk and is counted nowhere);
- it has a grant, by the rule wachttijd uses (``granted_on``): the besluit if toegekend, or
  for a zaak without any besluit its earliest ``zorg.toegewezen``;
- it has no ``zorg.gestart``;
- it is not closed (``zaak.afgesloten``): a closed trajectory waits for nothing any more.

Its age is the number of calendar days from the grant to *P*; the grant day itself is 0.

The state changes only on the zaak's fact dates (``as_of`` changes only there), while the age
grows with *P*. So the whole timeline fits in a few spans, each with one grant, which the
worker stores per zaak and the reporting reads for any peildatum (``on``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.core.domain import ZaakHistory
from shared.core.domain_config import ONBEKEND
from shared.core.kpi.wachttijd import granted_on

DEFINITIE = "wachtend/1"
BESLUIT, TOEWIJZING = "besluit", "toewijzing"


@dataclass(frozen=True, slots=True)
class Wacht:
    """What a wachtend zaak is on a day, apart from its age: wet, wijk and the grant."""

    wet: str
    wijk: str
    sinds: date
    """The grant the wait runs from (the same start point as wachttijd)."""
    grond: str
    """``besluit`` (toegekend) or ``toewijzing`` (a zaak without any besluit)."""

    def dagen_op(self, peildatum: date) -> int:
        return (peildatum - self.sinds).days


def wachtend_on(history: ZaakHistory, peildatum: date) -> Wacht | None:
    """The rule: the zaak as known on the peildatum is granted, not started, not closed."""
    known = history.as_of(peildatum)
    aangemeld = known.current("zaak.aangemeld")
    if aangemeld is None or aangemeld.wet is None:
        return None
    if known.all("zorg.gestart") or known.current("zaak.afgesloten") is not None:
        return None
    granted = granted_on(known)
    if granted is None:
        return None
    grond = BESLUIT if known.current("zaak.besloten") is not None else TOEWIJZING
    return Wacht(aangemeld.wet.value, aangemeld.wijk or ONBEKEND, granted, grond)


@dataclass(frozen=True, slots=True)
class Span:
    """The zaak is ``wacht`` from ``first`` (inclusive) to ``until`` (exclusive; None: open)."""

    first: date
    until: date | None
    wacht: Wacht

    def covers(self, peildatum: date) -> bool:
        return self.first <= peildatum and (self.until is None or peildatum < self.until)

    def to_dict(self) -> dict[str, Any]:
        return {
            "first": self.first.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "wet": self.wacht.wet,
            "wijk": self.wacht.wijk,
            "sinds": self.wacht.sinds.isoformat(),
            "grond": self.wacht.grond,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Span:
        until = raw["until"]
        wacht = Wacht(raw["wet"], raw["wijk"], date.fromisoformat(raw["sinds"]), raw["grond"])
        return cls(date.fromisoformat(raw["first"]), until and date.fromisoformat(until), wacht)


def wachtend_spans(history: ZaakHistory) -> list[Span]:
    """Every span of days the zaak is wachtend, in date order; [] if it never is.

    Exact because ``wachtend_on`` depends on the peildatum only through ``as_of``, which
    changes on fact dates alone: evaluating it on each of them covers every day.
    """
    spans: list[Span] = []
    current: tuple[date, Wacht] | None = None
    for day in sorted({f.datum for f in history.facts}):
        wacht = wachtend_on(history, day)
        if current is not None and wacht == current[1]:
            continue
        if current is not None:
            spans.append(Span(current[0], day, current[1]))
        current = (day, wacht) if wacht is not None else None
    if current is not None:
        spans.append(Span(current[0], None, current[1]))
    return spans


def on(spans: Sequence[Span], peildatum: date) -> Wacht | None:
    """The zaak's wait on the peildatum from its stored spans (equal to ``wachtend_on``)."""
    return next((s.wacht for s in spans if s.covers(peildatum)), None)
