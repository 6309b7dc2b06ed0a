"""opgepakt binnen norm (STH, BRIEF §4), one cell per wijk and periode of the hulpvraag.

The KPI worker (shared/core/kpi/sth.py) dates each hulpvraag's change
(shared/core/kpi/dated.py): one
contacted within the norm enters ``n`` and ``binnen`` on the day of the contact; any other
enters ``n`` on the day after its norm day, contacted late or not at all. Summed up to the
peildatum this leaves out exactly the hulpvragen without contact whose norm day has not passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from services.reporting.kpis.base import NO_CONTEXT, CellContext, Figure, KpiDefinition, count
from shared.core.kpi.dated import counts_on
from shared.core.kpi.stats import percentage
from shared.core.kpi.sth import BINNEN, OPGEPAKT, N


def sth_opgepakt_figures(
    fields: Mapping[str, str], peildatum: date, context: CellContext = NO_CONTEXT
) -> dict[str, Figure]:
    known = counts_on(fields, peildatum)
    n, binnen = count(known, N), count(known, BINNEN)
    return {"n": n, "n_binnen_norm": binnen, "pct": percentage(binnen, n)}


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
)
