"""sth-zonder-verwijzing (STH contract KPI, docs/domain.md#kpis), in the periode of the closing.

Every STH trajectory closed (``zaak.afgesloten`` of a zaak with wet sth) counts in ``n`` and,
when it was closed with verwezen = false, in ``zonder``, dated by the closing
(shared/core/kpi/dated.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from shared.core.domain import ZaakHistory
from shared.core.domain_config import ONBEKEND, Wet
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

ZONDER_VERWIJZING = "sth-zonder-verwijzing"
N, ZONDER = "n", "zonder"


def zonder_verwijzing_state(history: ZaakHistory, peildatum: date) -> State:
    aangemeld = history.current("zaak.aangemeld")
    afgesloten = history.current("zaak.afgesloten")
    if aangemeld is None or aangemeld.wet is not Wet.STH or afgesloten is None:
        return {}
    fields = (N, ZONDER) if afgesloten.verwezen is False else (N,)
    wijk = aangemeld.wijk or ONBEKEND
    cells = zaak_cells(ZONDER_VERWIJZING, Wet.STH.value, wijk, afgesloten.datum)
    return {(cell, field): 1 for cell in cells for field in fields}


def sth_zonder_verwijzing_figures(
    fields: Mapping[str, str], peildatum: date, context: CellContext = NO_CONTEXT
) -> dict[str, Figure]:
    known = counts_on(fields, peildatum)
    n, zonder = count(known, N), count(known, ZONDER)
    return {"n": n, "n_zonder": zonder, "pct": percentage(zonder, n)}


def _state(history: ZaakHistory, peildatum: date, scope: ZaakScope) -> State:
    return zonder_verwijzing_state(history, peildatum)


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
    zaak_counters=ZaakCounters(_state),
)
