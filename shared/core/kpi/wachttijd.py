"""wachttijd (docs/domain.md#kpi-wachttijd): calendar days from the grant to the start of care.

The wait runs from the besluit when its uitkomst is toegekend; a zaak without any besluit
(care assigned without a beschikking, e.g. through a toegang that does not decide) runs from
its earliest ``zorg.toegewezen`` (the toewijzing's Ingangsdatum). A zaak whose besluit is not
toegekend (afgewezen, buiten-behandeling, ingetrokken) has no grant to wait from: a
``zorg.gestart`` on it is not counted, toewijzing or not. The wait ends at the zaak's earliest
``zorg.gestart``; care that started before the grant counts as 0 days. Counted in the periode
of that start.

One dated ``d<days>@<YYYYMMDD>`` change per zaak (shared/core/kpi/dated.py); summed up to the
peildatum they are the exact histogram of the waits known on it, from which the count and the
nearest-rank quantiles follow (``wachttijd_figures``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from shared.core.domain import ZaakHistory
from shared.core.domain_config import ONBEKEND
from shared.core.kpi.cells import day_field, zaak_cells
from shared.core.kpi.dated import State, counts_on
from shared.core.kpi.definition import (
    NO_CONTEXT,
    CellContext,
    Figure,
    KpiDefinition,
    ZaakCounters,
    ZaakScope,
    day_histogram,
)
from shared.core.kpi.stats import nearest_rank

KPI = "wachttijd"
TOEGEKEND = "toegekend"


def granted_on(history: ZaakHistory) -> date | None:
    """The day the wait runs from, or None when the zaak has no grant (yet)."""
    besluit = history.current("zaak.besloten")
    if besluit is not None:
        return besluit.datum if besluit.uitkomst == TOEGEKEND else None
    return min((f.datum for f in history.all("zorg.toegewezen")), default=None)


def wachttijd_state(history: ZaakHistory, peildatum: date) -> State:
    """One ``d<days>`` in the wijk and gemeente cells of the periodes of the first start."""
    aangemeld = history.current("zaak.aangemeld")
    started = min((f.datum for f in history.all("zorg.gestart")), default=None)
    granted = granted_on(history)
    if aangemeld is None or aangemeld.wet is None or started is None or granted is None:
        return {}
    days = max(0, (started - granted).days)
    wijk = aangemeld.wijk or ONBEKEND
    return {
        (cell, day_field(days)): 1 for cell in zaak_cells(KPI, aangemeld.wet.value, wijk, started)
    }


def wachttijd_figures(
    fields: Mapping[str, str], peildatum: date, context: CellContext = NO_CONTEXT
) -> dict[str, Figure]:
    days = day_histogram(counts_on(fields, peildatum))
    return {
        "n": sum(days.values()),
        "median": nearest_rank(days, 0.5),
        "p90": nearest_rank(days, 0.9),
    }


def _state(history: ZaakHistory, peildatum: date, scope: ZaakScope) -> State:
    return wachttijd_state(history, peildatum)


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
    zaak_counters=ZaakCounters(_state),
)
