"""Which alerts a zaak's clocks have given by a date: BRIEF §2 (Alerts), as a pure function.

Each kind becomes due on one day of its clock, and only while the stopping event had not
arrived when that day began:

- ``waarschuwing`` on the warning day (``due - warning_days``; the clock's start if earlier);
- ``termijn-overschreden`` on the first day after the due date;
- ``opgelost-na-termijn`` on the day of a stopping event dated after the due date. Every
  ``zaak.besloten`` stops a besluit clock, ingetrokken included, so a withdrawal after the
  term gives one as well: the zaak is no longer open, which is what a receiver must hear.

An alert is ``historisch`` when its clock's due date had passed before Wijkpuls first saw the
zaak (a historical load): it is listed, not pushed. The worker calls ``evaluate`` after every
event of the zaak and whenever its clock reaches ``next_check``; an alert once given is never
taken back (its id stays in the zaak's state), the open-over-termijn list is the live truth.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from shared.core.alerts.kinds import AlertKind, alert_id
from shared.core.domain import AtwCalendar, ClockResult, ZaakHistory, compute_clocks
from shared.core.domain_config import ONBEKEND, ClockConfig, Wet

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DueAlert:
    """One alert as it is published: the ``data`` of an ``alert.*`` event plus its kind."""

    alert_id: str
    kind: AlertKind
    zaak_id: str
    clock_id: str
    wet: Wet
    wijk: str
    due: date
    datum: date
    """The day the alert became due (warning day, first day over the term, late stop)."""
    historisch: bool

    @property
    def event_type(self) -> str:
        return self.kind.event_type

    def data(self) -> dict[str, Any]:
        """The alert event's ``data`` (shared/contract/events/alert.py), JSON-able."""
        return {
            "zaak_id": self.zaak_id,
            "datum": self.datum.isoformat(),
            "alert_id": self.alert_id,
            "wet": self.wet.value,
            "wijk": self.wijk,
            "clock": self.clock_id,
            "due": self.due.isoformat(),
            "historisch": self.historisch,
        }


def open_at_start_of(result: ClockResult, day: date) -> bool:
    """The stopping event was not there when ``day`` began: absent, or dated ``day`` or later."""
    return result.stopped is None or result.stopped >= day


def fires_on(result: ClockResult, kind: AlertKind) -> date | None:
    """The day ``kind`` becomes due on this clock as it stands; None when it cannot."""
    if kind is AlertKind.WAARSCHUWING:
        if result.warning_on is None:
            return None
        day = max(result.warning_on, result.start)
        return day if open_at_start_of(result, day) and day <= result.due else None
    if kind is AlertKind.TERMIJN_OVERSCHREDEN:
        day = result.due + _ONE_DAY
        return day if open_at_start_of(result, day) else None
    late = result.stopped is not None and result.stopped > result.due
    return result.stopped if late else None


def due_alerts(
    result: ClockResult, *, zaak_id: str, wijk: str, first_seen: date, now: date
) -> list[DueAlert]:
    """The alerts of one clock that are due on ``now``, in the order of their kinds."""
    historisch = result.due < first_seen
    alerts = []
    for kind in AlertKind:
        day = fires_on(result, kind)
        if day is not None and day <= now:
            ident = alert_id(zaak_id, result.clock_id, kind)
            alerts.append(
                DueAlert(
                    ident,
                    kind,
                    zaak_id,
                    result.clock_id,
                    result.wet,
                    wijk,
                    result.due,
                    day,
                    historisch,
                )
            )
    return alerts


@dataclass(frozen=True, slots=True)
class Evaluation:
    results: tuple[ClockResult, ...]
    new: tuple[DueAlert, ...]
    """Alerts due by ``now`` that are not in ``emitted`` yet, in clock then kind order."""
    next_check: date | None
    """The first day after ``now`` on which an evaluation may find something new."""


def evaluate(
    history: ZaakHistory,
    clocks: Iterable[ClockConfig],
    calendar: AtwCalendar,
    *,
    zaak_id: str,
    first_seen: date,
    now: date,
    emitted: frozenset[str] = frozenset(),
) -> Evaluation:
    """The zaak's clocks as of ``now`` and the alerts that became due and were not given yet.

    Facts dated after ``now`` do not count yet (peildatum rule, BRIEF §4); their dates are
    candidates for ``next_check``, as is the day every not-yet-given alert becomes due.
    """
    results = tuple(compute_clocks(clocks, history, calendar, peildatum=now))
    aangemeld = history.current("zaak.aangemeld")
    wijk = (aangemeld.wijk if aangemeld else None) or ONBEKEND
    new = tuple(
        alert
        for result in results
        for alert in due_alerts(result, zaak_id=zaak_id, wijk=wijk, first_seen=first_seen, now=now)
        if alert.alert_id not in emitted
    )
    given = emitted | {a.alert_id for a in new}
    later = [
        day
        for result in results
        for kind in AlertKind
        if alert_id(zaak_id, result.clock_id, kind) not in given
        and (day := fires_on(result, kind)) is not None
        and day > now
    ]
    later += [f.datum for f in history.facts if f.datum > now]
    return Evaluation(results, new, min(later, default=None))
