"""zonder verwijzing (STH, BRIEF §4), one cell per wijk and periode of the closing.

The KPI worker (shared/core/kpi/sth.py) counts each closed trajectory in ``n`` and, when it was
closed with verwezen = false, in ``zonder``, dated by the closing (shared/core/kpi/dated.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from services.reporting.kpis.base import NO_CONTEXT, CellContext, Figure, KpiDefinition, count
from shared.core.kpi.dated import counts_on
from shared.core.kpi.stats import percentage
from shared.core.kpi.sth import ZONDER, ZONDER_VERWIJZING, N


def sth_zonder_verwijzing_figures(
    fields: Mapping[str, str], peildatum: date, context: CellContext = NO_CONTEXT
) -> dict[str, Figure]:
    known = counts_on(fields, peildatum)
    n, zonder = count(known, N), count(known, ZONDER)
    return {"n": n, "n_zonder": zonder, "pct": percentage(zonder, n)}


STH_ZONDER_VERWIJZING = KpiDefinition(
    name=ZONDER_VERWIJZING,
    version=1,
    summary="Zonder verwijzing (STH): of the STH trajectories closed (zaak.afgesloten) in "
    "the periode, the share closed with verwezen = false. Target: at least 80% from 2025.",
    figures=sth_zonder_verwijzing_figures,
    figure_docs={
        "n": "STH trajectories closed",
        "n_zonder": "of them closed without a referral (verwezen = false)",
        "pct": "100 * n_zonder / n, rounded half up to one decimal",
    },
    counts=frozenset({"n", "n_zonder"}),
    basis="n",
)
