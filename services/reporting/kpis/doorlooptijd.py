"""doorlooptijd and tijdig beslist (BRIEF §4), one cell per wet, wijk and periode of the besluit.

The KPI worker (shared/core/kpi/doorlooptijd.py) dates each besluit's change
(shared/core/kpi/dated.py): a counted besluit (every uitkomst except ingetrokken) enters ``n``,
its lead time ``d<days>`` and, when taken on or before its due date, ``tijdig`` on the datum of
the besluit. Summed up to the peildatum these are the besluiten known on it, so a periode still
running on an earlier peildatum is cut at it like every other.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from services.reporting.kpis.base import (
    NO_CONTEXT,
    CellContext,
    Figure,
    KpiDefinition,
    count,
    day_histogram,
)
from shared.core.kpi.dated import counts_on
from shared.core.kpi.doorlooptijd import KPI, TIJDIG, N
from shared.core.kpi.stats import nearest_rank, percentage


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
)
