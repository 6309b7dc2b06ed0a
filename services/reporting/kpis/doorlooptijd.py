"""doorlooptijd and tijdig beslist (BRIEF §4), one cell per wet, wijk and periode of the besluit.

The KPI worker (shared/core/kpi/contribution.py) counts every besluit except ingetrokken in ``n``,
the ones taken on or before their due date in ``tijdig``, and its lead time in days in
``d<days>``; here those counters become the published figures.
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
from shared.core.kpi.contribution import TIJDIG, N
from shared.core.kpi.stats import nearest_rank, percentage


def doorlooptijd_figures(
    fields: Mapping[str, str], peildatum: date, context: CellContext = NO_CONTEXT
) -> dict[str, Figure]:
    """The peildatum plays no part: every counted besluit lies in the periode already."""
    n, n_tijdig = count(fields, N), count(fields, TIJDIG)
    days = day_histogram(fields)
    return {
        "n": n,
        "n_tijdig": n_tijdig,
        "tijdig_pct": percentage(n_tijdig, n),
        "median": nearest_rank(days, 0.5),
        "p90": nearest_rank(days, 0.9),
    }


DOORLOOPTIJD = KpiDefinition(
    name="doorlooptijd",
    version=1,
    summary="Doorlooptijd (aanmelding -> besluit) and tijdig beslist, in the periode of the "
    "besluit. Calendar days minus the suspended days that moved the due date; a besluit with "
    "uitkomst ingetrokken is left out, buiten-behandeling counts. The clock is the law's "
    "headline besluit clock (Wmo: melding -> besluit, 8 weeks).",
    figures=doorlooptijd_figures,
    figure_docs={
        "n": "besluiten counted",
        "n_tijdig": "of them taken on or before their due date",
        "tijdig_pct": "100 * n_tijdig / n, rounded half up to one decimal",
        "median": "median doorlooptijd in days (nearest rank)",
        "p90": "90th percentile of the doorlooptijd in days (nearest rank)",
    },
    counts=frozenset({"n", "n_tijdig"}),
    basis="n",
)
