"""Opschortingen (Awb 4:15) as date intervals, following the pairing rules of
docs/domain.md#clock-rules.

Each ``zaak.opgeschort`` runs to the first ``zaak.hervat`` on or after it; one without such a
hervat is still open and runs to ``open_end`` (the besluit, or the peildatum while undecided);
a hervat no suspension ends on is ignored; overlapping or touching intervals merge so that a
day covered twice counts once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.core.domain.fact import Fact


@dataclass(frozen=True, slots=True)
class Suspension:
    start: date
    end: date
    open: bool
    merged: int = 1

    @property
    def days(self) -> int:
        """Suspended days = hervat.datum - opgeschort.datum (the hervat day runs again)."""
        return (self.end - self.start).days

    def clipped(self, lower: date, upper: date) -> Suspension | None:
        """The part inside the clock's life [start, stop]; None when nothing is left."""
        start, end = max(self.start, lower), min(self.end, upper)
        return Suspension(start, end, self.open, self.merged) if start <= end else None


def pair_suspensions(
    opgeschort: list[Fact], hervat: list[Fact], open_end: date
) -> tuple[list[Suspension], list[Fact]]:
    """Merged suspensions by start date, and the hervat facts that ended none."""
    hervat_sorted = sorted(hervat, key=lambda f: f.datum)
    used: set[tuple[str, str]] = set()
    raw: list[Suspension] = []
    for fact in sorted(opgeschort, key=lambda f: f.datum):
        end = next((h for h in hervat_sorted if h.datum >= fact.datum), None)
        if end is None:
            raw.append(Suspension(fact.datum, max(open_end, fact.datum), open=True))
        else:
            used.add(end.key)
            raw.append(Suspension(fact.datum, end.datum, open=False))
    ignored = [h for h in hervat_sorted if h.key not in used]
    return _merge(raw), ignored


def _merge(suspensions: list[Suspension]) -> list[Suspension]:
    merged: list[Suspension] = []
    for s in sorted(suspensions, key=lambda s: (s.start, s.end)):
        if merged and s.start <= merged[-1].end:
            last = merged.pop()
            s = Suspension(
                last.start, max(last.end, s.end), last.open or s.open, last.merged + s.merged
            )
        merged.append(s)
    return merged
