"""The STH contract KPIs (BRIEF §4): opgepakt binnen norm and zonder verwijzing.

opgepakt binnen norm: every STH hulpvraag (``zaak.aangemeld`` with wet sth), in the periode
of the hulpvraag. Its norm day is the due date of the configured ``sth-opgepakt`` clock (10
werkdagen after the hulpvraag). A first contact on or before the norm day is within the norm;
a later one is not; without a first contact the hulpvraag counts as not within the norm once
the norm day has passed (from the day after it) and is left out until then.

zonder verwijzing: every STH trajectory closed (``zaak.afgesloten``), in the periode of the
closing, and whether it was closed with verwezen = false.
"""

from __future__ import annotations

from datetime import date, timedelta

from shared.core.domain import AtwCalendar, ZaakHistory, compute_clock
from shared.core.domain_config import ONBEKEND, DomainConfig, Wet
from shared.core.kpi.cells import zaak_cells
from shared.core.kpi.dated import State

OPGEPAKT, ZONDER_VERWIJZING = "sth-opgepakt", "sth-zonder-verwijzing"
NORM_CLOCK = "sth-opgepakt"
N, BINNEN, ZONDER = "n", "binnen", "zonder"


def norm_day(history: ZaakHistory, domain: DomainConfig, calendar: AtwCalendar) -> date | None:
    """The last day a first contact is within the norm; None without a hulpvraag or clock."""
    clock = next((c for c in domain.clocks_for(Wet.STH) if c.id == NORM_CLOCK), None)
    result = compute_clock(clock, history, calendar) if clock is not None else None
    return result.due if result is not None else None


def opgepakt_state(
    history: ZaakHistory, peildatum: date, domain: DomainConfig, calendar: AtwCalendar
) -> State:
    aangemeld = history.current("zaak.aangemeld")
    if aangemeld is None or aangemeld.wet is not Wet.STH:
        return {}
    due = norm_day(history, domain, calendar)
    contact = history.current("zaak.eerste-contact")
    if due is None or (contact is None and peildatum <= due):
        return {}
    fields = (N, BINNEN) if contact is not None and contact.datum <= due else (N,)
    cells = zaak_cells(OPGEPAKT, Wet.STH.value, aangemeld.wijk or ONBEKEND, aangemeld.datum)
    return {(cell, field): 1 for cell in cells for field in fields}


def opgepakt_changes_on(
    history: ZaakHistory, domain: DomainConfig, calendar: AtwCalendar
) -> list[date]:
    """The day the norm day has passed: an open hulpvraag starts to count as not within."""
    due = norm_day(history, domain, calendar)
    return [] if due is None else [due + timedelta(days=1)]


def zonder_verwijzing_state(history: ZaakHistory, peildatum: date) -> State:
    aangemeld = history.current("zaak.aangemeld")
    afgesloten = history.current("zaak.afgesloten")
    if aangemeld is None or aangemeld.wet is not Wet.STH or afgesloten is None:
        return {}
    fields = (N, ZONDER) if afgesloten.verwezen is False else (N,)
    wijk = aangemeld.wijk or ONBEKEND
    cells = zaak_cells(ZONDER_VERWIJZING, Wet.STH.value, wijk, afgesloten.datum)
    return {(cell, field): 1 for cell in cells for field in fields}
