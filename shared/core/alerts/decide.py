"""Which alerts a zaak's clocks have given by a date: docs/domain.md#alerts, as a pure function.

Each kind becomes due on one day of its clock, and only while the clock had not ended when
that day began. A clock ends at its own stopping event or, while that is unknown, at the
substitute end of docs/domain.md#clock-endings (``zaak.afgesloten``, or for a step before
the besluit the besluit); ``ClockResult.end`` carries it:

- ``waarschuwing`` on the warning day (``due - warning_days``; the clock's start if earlier);
- ``termijn-overschreden`` on the first day after the due date;
- ``opgelost-na-termijn`` on the day the clock ended, when that is after the due date. Every
  ``zaak.besloten`` stops a besluit clock, ingetrokken included, so a withdrawal after the
  term gives one as well: the zaak is no longer open, which is what a receiver must hear.

An alert is ``historisch`` (listed, never pushed) when its clock's due date had passed before
Wijkpuls first saw the zaak (a historical load), or when it became due (its ``datum``) more
than ``window_days`` before the worker's today (a late delivery, a backlog or a replay after a
rule change); an ``opgelost-na-termijn`` is historisch too unless the clock's
``termijn-overschreden`` was pushed, so a receiver never hears a term resolved that it never
heard had passed.

Pushed alerts are a log: once given, an id stays given (``emitted``) and is never computed
again. Historisch alerts are a view: ``evaluate`` returns every one the zaak's current history
supports (and that was not pushed), and the worker replaces the zaak's stored view with it, so
the view does not depend on the order or the batches in which the facts arrived.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
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
    """The clock had not ended when ``day`` began: no end, or an end dated ``day`` or later."""
    return result.end is None or result.end >= day


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
    late = result.end is not None and result.end > result.due
    return result.end if late else None


def is_historisch(
    due: date, datum: date, *, first_seen: date, today: date, window_days: int | None
) -> bool:
    """The due date had passed before the zaak was first seen, or the alert became due more
    than ``window_days`` before ``today`` (None: no window)."""
    stale = window_days is not None and (today - datum).days > window_days
    return due < first_seen or stale


def due_alerts(
    result: ClockResult,
    *,
    zaak_id: str,
    wijk: str,
    first_seen: date,
    now: date,
    today: date | None = None,
    window_days: int | None = None,
) -> list[DueAlert]:
    """The alerts of one clock that are due on ``now``, in the order of their kinds.

    ``today`` is the worker's date the window is counted back from (default ``now``).
    """
    alerts = []
    for kind in AlertKind:
        day = fires_on(result, kind)
        if day is not None and day <= now:
            historisch = is_historisch(
                result.due,
                day,
                first_seen=first_seen,
                today=today or now,
                window_days=window_days,
            )
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
    """Alerts to push: due by ``now``, not historisch, not in ``emitted`` yet; clock, kind order."""
    next_check: date | None
    """The first day after ``now`` on which an evaluation may find something new."""
    historisch: tuple[DueAlert, ...] = ()
    """The zaak's historisch alerts: every one its history supports by ``now`` that was not
    pushed, in clock then kind order. It replaces the zaak's previous view as a whole."""


def evaluate(
    history: ZaakHistory,
    clocks: Iterable[ClockConfig],
    calendar: AtwCalendar,
    *,
    zaak_id: str,
    first_seen: date,
    now: date,
    emitted: frozenset[str] = frozenset(),
    today: date | None = None,
    window_days: int | None = None,
) -> Evaluation:
    """The zaak's clocks as of ``now``, the alerts to push and its historisch view.

    ``emitted`` holds the ids already pushed (the log). ``today`` is the worker's date, which
    the window of ``window_days`` counts back from (default ``now``; None: no window). Facts
    dated after ``now`` do not count yet (peildatum rule, docs/domain.md#peildatum); their dates are
    candidates for ``next_check``, as is the day every not-yet-given alert becomes due.
    """
    results = tuple(compute_clocks(clocks, history, calendar, peildatum=now))
    aangemeld = history.current("zaak.aangemeld")
    wijk = (aangemeld.wijk if aangemeld else None) or ONBEKEND
    pushed = set(emitted)
    new: list[DueAlert] = []
    view: list[DueAlert] = []
    for result in results:
        found = due_alerts(
            result,
            zaak_id=zaak_id,
            wijk=wijk,
            first_seen=first_seen,
            now=now,
            today=today,
            window_days=window_days,
        )
        for alert in found:  # in kind order: termijn-overschreden before opgelost-na-termijn
            if alert.alert_id in emitted:
                continue
            if alert.kind is AlertKind.OPGELOST_NA_TERMIJN and not alert.historisch:
                passed = alert_id(zaak_id, result.clock_id, AlertKind.TERMIJN_OVERSCHREDEN)
                if passed not in pushed:
                    alert = replace(alert, historisch=True)
            if alert.historisch:
                view.append(alert)
            else:
                new.append(alert)
                pushed.add(alert.alert_id)
    later = [  # the id only for a day still to come: most are past (pure, so same list)
        day
        for result in results
        for kind in AlertKind
        if (day := fires_on(result, kind)) is not None
        and day > now
        and alert_id(zaak_id, result.clock_id, kind) not in pushed
    ]
    later += [f.datum for f in history.facts if f.datum > now]
    if any(_moves_daily_near_a_day(r, zaak_id, pushed, now) for r in results):
        wake = now + _ONE_DAY
        if window_days is not None:
            # A backlog far behind today skips to the window: what became due before it is
            # historisch anyway, and the view need only be right on the current date.
            wake = max(wake, (today or now) - timedelta(days=window_days))
        later.append(wake)
    return Evaluation(results, tuple(new), min(later, default=None), tuple(view))


_NEAR = timedelta(days=7)
"""Longer than any run of days the Atw shift skips (at most 4-5: feestdagen and a weekend)."""


def _moves_daily_near_a_day(result: ClockResult, zaak_id: str, pushed: set[str], now: date) -> bool:
    """An open opschorting moves the due date with every day, and the Atw shift of each day's
    due date can bring an alert's day in or out of reach: near such a day, look daily, so the
    historisch view stays the one of the worker's current date. (The distance to the moving
    day stays about the same while the opschorting is open, hence the skip to the window.)"""
    if not result.suspended_now:
        return False
    days = {AlertKind.WAARSCHUWING: result.warning_on, AlertKind.TERMIJN_OVERSCHREDEN: result.due}
    return any(
        day is not None
        and abs(day - now) <= _NEAR
        and alert_id(zaak_id, result.clock_id, kind) not in pushed
        for kind, day in days.items()
    )
