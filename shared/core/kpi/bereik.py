"""bereik ondersteuning (BRIEF §4): unique households with a ``zorg.gestart`` in the periode.

Uniqueness across zaken with counters only: each zaak adds one to a field named after its
household (the ``huishouden`` pseudonym of its aanmelding, else the zaak itself) in every
cell of a periode in which it has a ``zorg.gestart``, however many starts it has there. The
field is a reference count over the household's zaken; the households of a cell are its
fields with a positive count. A household with zaken in two wijken counts in both wijken and
once in gemeente.
"""

from __future__ import annotations

from datetime import date

from shared.core.domain import ZaakHistory
from shared.core.domain_config import ONBEKEND
from shared.core.kpi.cells import zaak_cells
from shared.core.kpi.dated import State

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
