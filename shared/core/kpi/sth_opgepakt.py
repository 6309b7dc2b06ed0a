"""sth-opgepakt, opgepakt binnen norm (STH contract KPI, docs/domain.md#kpis), in the periode of the
hulpvraag.

Every STH hulpvraag (``zaak.aangemeld`` with wet sth) counts. Its norm day is the due date of
the configured ``sth-opgepakt`` clock (10 werkdagen after the hulpvraag). A first contact on
or before the norm day is within the norm; a later one is not; without a first contact the
hulpvraag counts as not within the norm once the norm day has passed (from the day after it)
and is left out until then.

Dated changes (shared/core/kpi/dated.py): a hulpvraag contacted within the norm enters ``n``
and ``binnen`` on the day of the contact; any other enters ``n`` on the day after its norm
day, contacted late or not at all. Summed up to the peildatum this leaves out exactly the
hulpvragen without contact whose norm day has not passed (``sth_opgepakt_figures``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from shared.core.domain import AtwCalendar, ZaakHistory, compute_clock
from shared.core.domain_config import ONBEKEND, DomainConfig, Wet
from shared.core.kpi.cells import zaak_cells
from shared.core.kpi.dated import State, counts_on
from shared.core.kpi.definition import (
    NO_CONTEXT,
    CellContext,
    Figure,
    KpiDefinition,
    ZaakCounters,
    ZaakScope,
    count,
)
from shared.core.kpi.stats import percentage

OPGEPAKT = "sth-opgepakt"
NORM_CLOCK = "sth-opgepakt"
N, BINNEN = "n", "binnen"


def norm_day(history: ZaakHistory, domain: DomainConfig, calendar: AtwCalendar) -> date | None:
    """The last day a first contact is within the norm; None without an STH hulpvraag or
    clock (a zaak of another wet has no norm day: its clock is not computed)."""
    aangemeld = history.current("zaak.aangemeld")
    if aangemeld is None or aangemeld.wet is not Wet.STH:
        return None
    clock = next((c for c in domain.clocks_for(Wet.STH) if c.id == NORM_CLOCK), None)
    result = compute_clock(clock, history, calendar) if clock is not None else None
    return result.due if result is not None else None


def opgepakt_state(
    history: ZaakHistory, peildatum: date, domain: DomainConfig, calendar: AtwCalendar
) -> State:
    aangemeld = history.current("zaak.aangemeld")
    if aangemeld is None or aangemeld.wet is not Wet.STH:
        return {}
    due = norm_day(history, domain, calendar)
    contact = history.current("zaak.eerste-contact")
    if due is None or (contact is None and peildatum <= due):
        return {}
    fields = (N, BINNEN) if contact is not None and contact.datum <= due else (N,)
    cells = zaak_cells(OPGEPAKT, Wet.STH.value, aangemeld.wijk or ONBEKEND, aangemeld.datum)
    return {(cell, field): 1 for cell in cells for field in fields}


def opgepakt_changes_on(
    history: ZaakHistory, domain: DomainConfig, calendar: AtwCalendar
) -> list[date]:
    """The day the norm day has passed: an open hulpvraag starts to count as not within."""
    due = norm_day(history, domain, calendar)
    return [] if due is None else [due + timedelta(days=1)]


def sth_opgepakt_figures(
    fields: Mapping[str, str], peildatum: date, context: CellContext = NO_CONTEXT
) -> dict[str, Figure]:
    known = counts_on(fields, peildatum)
    n, binnen = count(known, N), count(known, BINNEN)
    return {"n": n, "n_binnen_norm": binnen, "pct": percentage(binnen, n)}


def _state(history: ZaakHistory, peildatum: date, scope: ZaakScope) -> State:
    return opgepakt_state(history, peildatum, scope.domain, scope.calendar)


def _changes_on(history: ZaakHistory, scope: ZaakScope) -> list[date]:
    return opgepakt_changes_on(history, scope.domain, scope.calendar)


STH_OPGEPAKT = KpiDefinition(
    name=OPGEPAKT,
    version=1,
    summary="Opgepakt binnen norm (STH): of the STH hulpvragen in the periode, the share with "
    "a zaak.eerste-contact on or before the 10th werkdag after the hulpvraag (the "
    "sth-opgepakt clock). One without first contact counts as not within the norm from the "
    "day after that werkdag and is left out until then.",
    figures=sth_opgepakt_figures,
    figure_docs={
        "n": "hulpvragen contacted, or whose norm day had passed on the peildatum",
        "n_binnen_norm": "of them contacted on or before the norm day",
        "pct": "100 * n_binnen_norm / n, rounded half up to one decimal",
    },
    counts=frozenset({"n", "n_binnen_norm"}),
    basis="n",
    zaak_counters=ZaakCounters(_state, _changes_on),
)
