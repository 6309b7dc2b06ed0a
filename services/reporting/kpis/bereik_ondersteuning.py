"""bereik ondersteuning (BRIEF §4), one cell per wet, wijk and periode of a start of care.

The KPI worker (shared/core/kpi/bereik.py) keeps a reference count per household in the cell,
dated by the zaak's first start in the periode (shared/core/kpi/dated.py); the households on a
peildatum are the household fields whose changes up to it sum to more than zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from services.reporting.kpis.base import NO_CONTEXT, CellContext, Figure, KpiDefinition
from shared.core.kpi.bereik import HOUSEHOLD_PREFIXES, KPI
from shared.core.kpi.dated import counts_on
from shared.core.kpi.stats import per_thousand


def bereik_ondersteuning_figures(
    fields: Mapping[str, str], peildatum: date, context: CellContext = NO_CONTEXT
) -> dict[str, Figure]:
    known = counts_on(fields, peildatum)
    households = sum(1 for f, c in known.items() if f.startswith(HOUSEHOLD_PREFIXES) and c > 0)
    return {"households": households, "per_1000": per_thousand(households, context.huishoudens)}


BEREIK_ONDERSTEUNING = KpiDefinition(
    name=KPI,
    version=1,
    summary="Bereik ondersteuning: unique households (the huishouden pseudonym of the "
    "aanmelding, else the zaak) with a zorg.gestart in the periode, and per 1,000 households "
    "of the wijk where its household count is configured (gemeente: the sum of the wijken).",
    figures=bereik_ondersteuning_figures,
    figure_docs={
        "households": "unique households with a zorg.gestart in the periode",
        "per_1000": "1000 * households / the configured households of the wijk, rounded half "
        "up to one decimal; null where no household count is configured",
    },
    counts=frozenset({"households"}),
    basis="households",
)
