"""doorlooptijd and tijdig beslist (docs/domain.md#kpi-doorlooptijd,
docs/domain.md#kpi-tijdig-beslist), counted in the periode of the besluit.

The law's headline besluit clock decides tijdig; the lead time runs from the aanmelding to the
besluit minus the suspended days that moved the due date. A withdrawn request (uitkomst
ingetrokken) needed no decision and is left out; so is a besluit whose aanmelding is not known
(out-of-order delivery: it is counted once it is).

Written, like the other KPIs, as the state of one zaak on a peildatum (shared/core/kpi/dated.py):
the zaak as known on it, so the besluit enters on its datum, and a besluit whose current
version is dated after the peildatum is not there yet (its earlier, wrong version does not
count either: ``ZaakHistory.as_of``). Nothing else depends on the peildatum.

The reporting reads the cell's dated ``n``, ``tijdig`` and ``d<days>`` summed up to the
peildatum (``doorlooptijd_figures``), so a periode still running on an earlier peildatum is cut
at it like every other.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from shared.core.domain import AtwCalendar, ZaakHistory, compute_clock
from shared.core.domain_config import ONBEKEND, DomainConfig
from shared.core.kpi.cells import day_field, zaak_cells
from shared.core.kpi.dated import State, counts_on
from shared.core.kpi.definition import (
    NO_CONTEXT,
    CellContext,
    Figure,
    KpiDefinition,
    ZaakCounters,
    ZaakScope,
    count,
    day_histogram,
)
from shared.core.kpi.stats import nearest_rank, percentage

KPI = "doorlooptijd"
N, TIJDIG = "n", "tijdig"


def doorlooptijd_state(
    history: ZaakHistory, peildatum: date, domain: DomainConfig, calendar: AtwCalendar
) -> State:
    """``n``, ``d<days>`` and, when on time, ``tijdig`` in the wijk and gemeente cells of the
    periodes of the besluit; nothing while the zaak has no counted besluit."""
    aangemeld = history.current("zaak.aangemeld")
    if aangemeld is None or aangemeld.wet is None:
        return {}
    clock = next((c for c in domain.clocks_for(aangemeld.wet) if c.headline), None)
    if clock is None or history.current(clock.stop) is None:
        return {}  # no besluit yet: the clock runs (checked first, it is the common case)
    result = compute_clock(clock, history, calendar)
    if result is None or result.stopped is None or not result.counts_for_kpi:
        return {}
    days = (result.stopped - aangemeld.datum).days - result.counted_suspended_days
    fields = (N, TIJDIG, day_field(days)) if result.tijdig else (N, day_field(days))
    cells = zaak_cells(KPI, aangemeld.wet.value, aangemeld.wijk or ONBEKEND, result.stopped)
    return {(cell, field): 1 for cell in cells for field in fields}


def doorlooptijd_figures(
    fields: Mapping[str, str], peildatum: date, context: CellContext = NO_CONTEXT
) -> dict[str, Figure]:
    known = counts_on(fields, peildatum)
    n, n_tijdig = count(known, N), count(known, TIJDIG)
    days = day_histogram(known)
    return {
        "n": n,
        "n_tijdig": n_tijdig,
        "tijdig_pct": percentage(n_tijdig, n),
        "median": nearest_rank(days, 0.5),
        "p90": nearest_rank(days, 0.9),
    }


def _state(history: ZaakHistory, peildatum: date, scope: ZaakScope) -> State:
    return doorlooptijd_state(history, peildatum, scope.domain, scope.calendar)


DOORLOOPTIJD = KpiDefinition(
    name=KPI,
    version=2,
    summary="Doorlooptijd (aanmelding -> besluit) and tijdig beslist, in the periode of the "
    "besluit. Calendar days minus the suspended days that moved the due date; a besluit with "
    "uitkomst ingetrokken is left out, buiten-behandeling counts. The clock is the law's "
    "headline besluit clock (Wmo: melding -> besluit, 8 weeks). A besluit counts from its "
    "datum: on a peildatum before it (or before the datum it was corrected to) it is not there.",
    figures=doorlooptijd_figures,
    figure_docs={
        "n": "besluiten counted, dated on or before the peildatum",
        "n_tijdig": "of them taken on or before their due date",
        "tijdig_pct": "100 * n_tijdig / n, rounded half up to one decimal",
        "median": "median doorlooptijd in days (nearest rank)",
        "p90": "90th percentile of the doorlooptijd in days (nearest rank)",
    },
    counts=frozenset({"n", "n_tijdig"}),
    basis="n",
    zaak_counters=ZaakCounters(_state),
)
