"""Due dates and their steps, computed from the worker's facts; the open-over-termijn list and
cells are computed by the pure KPI module shared/core/kpi/open_over_termijn.py.

Pure: the zaak documents (shared/contract/alert_keys.py) in, published rows out. The clocks are
computed here with the same code the worker uses for its alerts, for the peildatum asked, so
an earlier peildatum is exact: facts dated after it do not count (docs/domain.md#peildatum).

A clock is open over termijn when its due date is before the peildatum and it had not ended on
the peildatum: neither its own stopping event nor the end of docs/domain.md#clock-endings
(``zaak.afgesloten``, or for a step before the besluit the besluit).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from shared.core.domain import AtwCalendar, ClockResult, compute_clock
from shared.core.domain_config import ClockConfig, DomainConfig
from shared.core.kpi.open_over_termijn import history_of


def status(result: ClockResult, peildatum: date) -> str:
    """What the clock says on the peildatum, in the words a team lead uses.

    An ended clock (own stop or substitute end) is ``tijdig`` or ``te-laat`` by its end.
    """
    if result.end is not None:
        return "tijdig" if result.end <= result.due else "te-laat"
    if result.overdue_on(peildatum):
        return "over-termijn"
    return "opgeschort" if result.suspended_now else "lopend"


def termijn_view(result: ClockResult, clock: ClockConfig, peildatum: date) -> dict[str, Any]:
    raw = result.to_dict()
    return {
        "clock": result.clock_id,
        "wet": raw["wet"],
        "bron": clock.source,
        "status": status(result, peildatum),
        "start": raw["start"],
        "due": raw["due"],
        "warning_on": raw["warning_on"],
        "stopped": raw["stopped"],
        "end": raw["end"],
        "ended_by": raw["ended_by"],
        "uitkomst": raw["uitkomst"],
        "crisis": raw["crisis"],
        "suspended_now": raw["suspended_now"],
        "days_over": result.days_over(peildatum),
        "steps": raw["steps"],
    }


def termijnen(
    document: Mapping[str, Any], domain: DomainConfig, calendar: AtwCalendar, peildatum: date
) -> list[dict[str, Any]]:
    """Every started clock of the zaak on the peildatum, with the steps behind its due date."""
    history = history_of(document)
    views = []
    for clock in domain.clocks:
        if clock.wet is not history.wet:
            continue
        result = compute_clock(clock, history, calendar, peildatum)
        if result is not None:
            views.append(termijn_view(result, clock, peildatum))
    return views
