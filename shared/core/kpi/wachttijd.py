"""wachttijd (BRIEF §4): calendar days from the grant to the start of care.

The wait runs from the besluit when its uitkomst is toegekend; a zaak without any besluit
(care assigned without a beschikking, e.g. through a toegang that does not decide) runs from
its earliest ``zorg.toegewezen`` (the toewijzing's Ingangsdatum). A zaak whose besluit is not
toegekend (afgewezen, buiten-behandeling, ingetrokken) has no grant to wait from: a
``zorg.gestart`` on it is not counted, toewijzing or not. The wait ends at the zaak's earliest
``zorg.gestart``; care that started before the grant counts as 0 days. Counted in the periode
of that start.
"""

from __future__ import annotations

from datetime import date

from shared.core.domain import ZaakHistory
from shared.core.domain_config import ONBEKEND
from shared.core.kpi.cells import day_field, zaak_cells
from shared.core.kpi.dated import State

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
