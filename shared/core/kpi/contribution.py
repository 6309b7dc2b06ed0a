"""What one zaak adds to the KPI aggregates, as a set of counter increments.

``zaak_contribution`` is the one entry point: the union of every KPI's contribution of the
zaak (docs/kpis.md has the cells and fields per KPI). A zaak's contribution is a pure
function of its history. The sink stores the contribution it last applied per zaak and
applies only the difference, so a correction, a late opschorting or a redelivered event moves
the zaak between buckets and the aggregates always equal a recomputation from the per-zaak
state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date

from shared.core.domain import AtwCalendar, ZaakHistory, compute_clock
from shared.core.domain_config import ONBEKEND, DomainConfig
from shared.core.kpi.bereik import bereik_state
from shared.core.kpi.cells import cell_key, day_field, zaak_cells
from shared.core.kpi.dated import State, dated_contribution
from shared.core.kpi.sth import opgepakt_changes_on, opgepakt_state, zonder_verwijzing_state
from shared.core.kpi.wachttijd import wachttijd_state

__all__ = [
    "TIJDIG",
    "Contribution",
    "N",
    "cell_key",
    "day_field",
    "difference",
    "doorlooptijd_contribution",
    "zaak_contribution",
]

# (aggregate key, field) -> increment; an aggregate key names one API cell.
Contribution = Mapping[tuple[str, str], int]

N, TIJDIG = "n", "tijdig"


def zaak_contribution(
    history: ZaakHistory, domain: DomainConfig, calendar: AtwCalendar, *, zaak_id: str
) -> Contribution:
    """Every KPI of the zaak: doorlooptijd/tijdig (undated fields, counted in the periode of
    the besluit) and wachttijd, sth-opgepakt, sth-zonder-verwijzing and bereik-ondersteuning
    (dated fields, shared/core/kpi/dated.py). ``zaak_id`` names the household of a zaak without a
    huishouden pseudonym."""

    def state(known: ZaakHistory, peildatum: date) -> State:
        total: Counter[tuple[str, str]] = Counter()
        total.update(wachttijd_state(known, peildatum))
        total.update(opgepakt_state(known, peildatum, domain, calendar))
        total.update(zonder_verwijzing_state(known, peildatum))
        total.update(bereik_state(known, peildatum, zaak_id))
        return total

    increments = Counter(doorlooptijd_contribution(history, domain, calendar))
    increments.update(
        dated_contribution(history, state, opgepakt_changes_on(history, domain, calendar))
    )
    return {key: inc for key, inc in increments.items() if inc}


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
    for cell in zaak_cells("doorlooptijd", wet.value, wijk, result.stopped):
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
