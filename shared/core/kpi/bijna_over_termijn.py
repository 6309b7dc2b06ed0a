"""Bijna over termijn (docs/domain.md#alerts): the zaken whose clock still runs on the peildatum
and whose due date is near, in the clock's configured warning window (the day of its
``waarschuwing`` alert up to and including the due date). What a team lead acts on before the
term passes; the clocks without a warning (wmo-aanvraag, sth-opgepakt, Wgs in crisis) have no
window and are never listed. Pure: the reporting service reads the zaak documents and asks
this, with the same clock code the worker uses for its alerts, so the list and the alerts agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.core.domain import AtwCalendar
from shared.core.domain_config import ClockConfig
from shared.core.kpi.open_over_termijn import clocks_on


@dataclass(frozen=True)
class Bijna:
    zaak_id: str
    wet: str
    wijk: str
    clock: str
    due: date
    warning_on: date
    days_left: int
    suspended: bool

    def row(self) -> dict[str, Any]:
        return {
            "zaak_id": self.zaak_id,
            "wet": self.wet,
            "wijk": self.wijk,
            "clock": self.clock,
            "due": self.due.isoformat(),
            "warning_on": self.warning_on.isoformat(),
            "days_left": self.days_left,
            "opgeschort": self.suspended,
        }


def bijna_over_termijn(
    candidates: Iterable[tuple[str, str]],
    documents: Mapping[str, Mapping[str, Any]],
    clocks: Mapping[str, ClockConfig],
    calendar: AtwCalendar,
    peildatum: date,
    wijk: str | None = None,
) -> list[Bijna]:
    """The running clocks in their warning window on the peildatum, soonest due first."""
    found = []
    for clock_id, zaak_id, document, result in clocks_on(
        candidates, documents, clocks, calendar, peildatum, wijk
    ):
        if result.warning_on is None:
            continue
        running = result.end is None or result.end > peildatum
        if running and result.warning_on <= peildatum <= result.due:
            found.append(
                Bijna(
                    zaak_id,
                    str(result.wet),
                    str(document.get("wijk")),
                    clock_id,
                    result.due,
                    result.warning_on,
                    (result.due - peildatum).days,
                    result.suspended_now,
                )
            )
    found.sort(key=lambda b: (b.days_left, b.zaak_id))
    return found
