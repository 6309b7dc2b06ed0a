"""doorlooptijd and tijdig beslist (BRIEF §4), counted in the periode of the besluit.

The law's headline besluit clock decides tijdig; the lead time runs from the aanmelding to the
besluit minus the suspended days that moved the due date. A withdrawn request (uitkomst
ingetrokken) needed no decision and is left out; so is a besluit whose aanmelding is not known
(out-of-order delivery: it is counted once it is).

Written, like the other KPIs, as the state of one zaak on a peildatum (shared/core/kpi/dated.py):
the zaak as known on it, so the besluit enters on its datum, and a besluit whose current
version is dated after the peildatum is not there yet (its earlier, wrong version does not
count either: ``ZaakHistory.as_of``). Nothing else depends on the peildatum.
"""

from __future__ import annotations

from datetime import date

from shared.core.domain import AtwCalendar, ZaakHistory, compute_clock
from shared.core.domain_config import ONBEKEND, DomainConfig
from shared.core.kpi.cells import day_field, zaak_cells
from shared.core.kpi.dated import State

KPI = "doorlooptijd"
N, TIJDIG = "n", "tijdig"


def doorlooptijd_state(
    history: ZaakHistory, peildatum: date, domain: DomainConfig, calendar: AtwCalendar
) -> State:
    """``n``, ``d<days>`` and, when on time, ``tijdig`` in the wijk and gemeente cells of the
    periodes of the besluit; nothing while the zaak has no counted besluit."""
    aangemeld = history.current("zaak.aangemeld")
    if aangemeld is None or aangemeld.wet is None:
        return {}
    clock = next((c for c in domain.clocks_for(aangemeld.wet) if c.headline), None)
    if clock is None or history.current(clock.stop) is None:
        return {}  # no besluit yet: the clock runs (checked first, it is the common case)
    result = compute_clock(clock, history, calendar)
    if result is None or result.stopped is None or not result.counts_for_kpi:
        return {}
    days = (result.stopped - aangemeld.datum).days - result.counted_suspended_days
    fields = (N, TIJDIG, day_field(days)) if result.tijdig else (N, day_field(days))
    cells = zaak_cells(KPI, aangemeld.wet.value, aangemeld.wijk or ONBEKEND, result.stopped)
    return {(cell, field): 1 for cell in cells for field in fields}
