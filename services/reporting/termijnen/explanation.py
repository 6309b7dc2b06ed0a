"""Due dates, their steps and the open-over-termijn list, computed from the worker's facts.

Pure: the zaak documents (shared/contract/alert_keys.py) in, published rows out. The clocks are
computed here with the same code the worker uses for its alerts, for the peildatum asked, so
an earlier peildatum is exact: facts dated after it do not count (BRIEF §4).

A clock is open over termijn when its due date is before the peildatum and it had not ended on
the peildatum: neither its own stopping event nor the end of BRIEF §2 "Ending a clock without
its own stopping event" (``zaak.afgesloten``, or for a step before the besluit the besluit).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.core.domain import AtwCalendar, ClockResult, Fact, ZaakHistory, compute_clock
from shared.core.domain_config import GEMEENTE, ClockConfig, DomainConfig
from shared.core.kpi.periods import periods_of

DEFINITIE = "open-over-termijn/2"
"""/2: a clock also ends at zaak.afgesloten, and a step before the besluit at the besluit."""


def history_of(document: Mapping[str, Any]) -> ZaakHistory:
    return ZaakHistory.of(Fact.from_dict(f) for f in document["facts"])


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


@dataclass(frozen=True)
class OverTermijn:
    zaak_id: str
    wet: str
    wijk: str
    clock: str
    due: date
    days_over: int

    def row(self) -> dict[str, Any]:
        return {
            "zaak_id": self.zaak_id,
            "wet": self.wet,
            "wijk": self.wijk,
            "clock": self.clock,
            "due": self.due.isoformat(),
            "days_over": self.days_over,
        }


def open_over_termijn(
    candidates: Iterable[tuple[str, str]],
    documents: Mapping[str, Mapping[str, Any]],
    clocks: Mapping[str, ClockConfig],
    calendar: AtwCalendar,
    peildatum: date,
    wijk: str | None = None,
) -> dict[str, list[OverTermijn]]:
    """Per clock id: the zaken over termijn on the peildatum, longest over first."""
    found: dict[str, list[OverTermijn]] = {}
    for clock_id, zaak_id in candidates:
        clock, document = clocks.get(clock_id), documents.get(zaak_id)
        if clock is None or document is None or (wijk and document.get("wijk") != wijk):
            continue
        result = compute_clock(clock, history_of(document), calendar, peildatum)
        if result is None or not result.overdue_on(peildatum):
            continue
        found.setdefault(clock_id, []).append(
            OverTermijn(
                zaak_id,
                str(result.wet),
                str(document.get("wijk")),
                clock_id,
                result.due,
                result.days_over(peildatum),
            )
        )
    for rows in found.values():
        rows.sort(key=lambda r: (-r.days_over, r.due, r.zaak_id))
    return found


OverTermijnCell = tuple[str, str, str, str]
"""(wet, wijk, periode, clock) of the open-over-termijn KPI cells."""


def over_termijn_cells(found: Mapping[str, list[OverTermijn]]) -> Counter[OverTermijnCell]:
    """Zaken over termijn per cell, counted in the periodes of their due date.

    The periode of the due date, not of the peildatum: the cells say how long the backlog
    on the peildatum has been over termijn (due in 2026-01, in 2026-02, ...), and a due date
    is always before the peildatum, so every periode is known on it. As in every cell, a
    zaak counts in its wijk and in gemeente.
    """
    cells: Counter[OverTermijnCell] = Counter()
    for rows in found.values():
        for r in rows:
            for periode in periods_of(r.due):
                for wijk in (r.wijk, GEMEENTE):
                    cells[r.wet, wijk, periode, r.clock] += 1
    return cells
