"""wachttijd (BRIEF §4), one cell per wet, wijk and periode of the first start of care.

The KPI worker (shared/core/kpi/wachttijd.py) writes one dated ``d<days>@<YYYYMMDD>`` change per
zaak (shared/core/kpi/dated.py); summed up to the peildatum they are the exact histogram of the
waits known on it, from which the count and the nearest-rank quantiles follow.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from services.reporting.kpis.base import (
    NO_CONTEXT,
    CellContext,
    Figure,
    KpiDefinition,
    day_histogram,
)
from shared.core.kpi.dated import counts_on
from shared.core.kpi.stats import nearest_rank
from shared.core.kpi.wachttijd import KPI


def wachttijd_figures(
    fields: Mapping[str, str], peildatum: date, context: CellContext = NO_CONTEXT
) -> dict[str, Figure]:
    days = day_histogram(counts_on(fields, peildatum))
    return {
        "n": sum(days.values()),
        "median": nearest_rank(days, 0.5),
        "p90": nearest_rank(days, 0.9),
    }


WACHTTIJD = KpiDefinition(
    name=KPI,
    version=1,
    summary="Wachttijd: calendar days from the besluit with uitkomst toegekend (for a zaak "
    "without any besluit: its earliest zorg.toegewezen Ingangsdatum) to the zaak's earliest "
    "zorg.gestart, in the periode of that start. Care that started before the grant counts as "
    "0 days; a zaak whose besluit is not toegekend is not counted.",
    figures=wachttijd_figures,
    figure_docs={
        "n": "zaken whose care started, with a grant known on the peildatum",
        "median": "median wachttijd in days (nearest rank)",
        "p90": "90th percentile of the wachttijd in days (nearest rank)",
    },
    counts=frozenset({"n"}),
    basis="n",
)
