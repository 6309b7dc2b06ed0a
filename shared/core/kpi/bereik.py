"""bereik ondersteuning (docs/domain.md#kpi-bereik-ondersteuning): unique households with a
``zorg.gestart`` in the periode.

Uniqueness across zaken with counters only: each zaak adds one to a field named after its
household (the ``huishouden`` pseudonym of its aanmelding, else the zaak itself) in every
cell of a periode in which it has a ``zorg.gestart``, however many starts it has there. The
field is a reference count over the household's zaken; the households of a cell are its
fields with a positive count. A household with zaken in two wijken counts in both wijken and
once in gemeente.

Each zaak's reference is dated by its first start in the periode (shared/core/kpi/dated.py);
the households on a peildatum are the household fields whose changes up to it sum to more
than zero (``bereik_ondersteuning_figures``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from shared.core.domain import ZaakHistory
from shared.core.domain_config import ONBEKEND
from shared.core.kpi.cells import zaak_cells
from shared.core.kpi.dated import State, counts_on
from shared.core.kpi.definition import (
    NO_CONTEXT,
    CellContext,
    Figure,
    KpiDefinition,
    ZaakCounters,
    ZaakScope,
)
from shared.core.kpi.stats import per_thousand

KPI = "bereik-ondersteuning"
HUISHOUDEN, ZAAK = "hh:", "zk:"
HOUSEHOLD_PREFIXES = (HUISHOUDEN, ZAAK)


def household_field(huishouden: str | None, zaak_id: str) -> str:
    return HUISHOUDEN + huishouden if huishouden else ZAAK + zaak_id


def bereik_state(history: ZaakHistory, peildatum: date, zaak_id: str) -> State:
    aangemeld = history.current("zaak.aangemeld")
    if aangemeld is None or aangemeld.wet is None:
        return {}
    wet, wijk = aangemeld.wet.value, aangemeld.wijk or ONBEKEND
    cells = {c for f in history.all("zorg.gestart") for c in zaak_cells(KPI, wet, wijk, f.datum)}
    field = household_field(aangemeld.huishouden, zaak_id)
    return {(cell, field): 1 for cell in cells}


def bereik_ondersteuning_figures(
    fields: Mapping[str, str], peildatum: date, context: CellContext = NO_CONTEXT
) -> dict[str, Figure]:
    known = counts_on(fields, peildatum)
    households = sum(1 for f, c in known.items() if f.startswith(HOUSEHOLD_PREFIXES) and c > 0)
    return {"households": households, "per_1000": per_thousand(households, context.huishoudens)}


def _state(history: ZaakHistory, peildatum: date, scope: ZaakScope) -> State:
    return bereik_state(history, peildatum, scope.zaak_id)


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
    zaak_counters=ZaakCounters(_state),
)
