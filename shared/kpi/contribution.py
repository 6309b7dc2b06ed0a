"""What one zaak adds to the KPI aggregates, as a set of counter increments.

A zaak's contribution is a pure function of its history. The sink stores the contribution it
last applied per zaak and applies only the difference, so a correction, a late opschorting or
a redelivered event moves the zaak between buckets and the aggregates always equal a
recomputation from the per-zaak state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from shared.domain import AtwCalendar, ZaakHistory, compute_clock
from shared.domain_config import GEMEENTE, ONBEKEND, DomainConfig
from shared.kpi.periods import periods_of

# (aggregate key, field) -> increment; an aggregate key names one API cell.
Contribution = Mapping[tuple[str, str], int]

N, TIJDIG = "n", "tijdig"


def day_field(days: int) -> str:
    return f"d{days}"


def cell_key(kpi: str, wet: str, wijk: str, periode: str) -> str:
    return f"{kpi}|{wet}|{wijk}|{periode}"


def _cells(kpi: str, wet: str, wijk: str, datum_periods: Iterable[str]) -> list[str]:
    return [cell_key(kpi, wet, w, p) for p in datum_periods for w in (wijk, GEMEENTE)]


def doorlooptijd_contribution(
    history: ZaakHistory, domain: DomainConfig, calendar: AtwCalendar
) -> Contribution:
    """BRIEF §4 doorlooptijd and tijdig beslist, counted in the periods of the besluit.

    The law's headline besluit clock decides tijdig; the lead time runs from the aanmelding
    to the besluit minus the suspended days that moved the due date. A withdrawn request
    (uitkomst ingetrokken) needed no decision and is left out; so is a besluit whose
    aanmelding has not arrived yet (out-of-order delivery: it is counted once it does).
    """
    wet = history.wet
    aangemeld = history.current("zaak.aangemeld")
    if wet is None or aangemeld is None:
        return {}
    clock = next((c for c in domain.clocks_for(wet) if c.headline), None)
    result = compute_clock(clock, history, calendar) if clock else None
    if result is None or result.stopped is None or not result.counts_for_kpi:
        return {}
    days = (result.stopped - aangemeld.datum).days - result.counted_suspended_days
    wijk = aangemeld.wijk or ONBEKEND
    increments: Counter[tuple[str, str]] = Counter()
    for cell in _cells("doorlooptijd", wet.value, wijk, periods_of(result.stopped)):
        increments[(cell, N)] += 1
        increments[(cell, day_field(days))] += 1
        if result.tijdig:
            increments[(cell, TIJDIG)] += 1
    return dict(increments)


def difference(old: Contribution, new: Contribution) -> dict[tuple[str, str], int]:
    """Increments that turn ``old`` into ``new``; empty when nothing changed."""
    diff = Counter(new)
    diff.subtract(old)
    return {k: v for k, v in diff.items() if v}
