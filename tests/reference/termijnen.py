"""Every clock of the configuration on a peildatum, where it ended, open over termijn and the
alerts the final histories support (docs/domain.md#clock-rules,
docs/domain.md#clock-endings, docs/domain.md#alerts; docs/domain.md#kpi-open-over-termijn). Written
from the brief, plain dicts only.

A clock ends at its own stopping event when that is known on the peildatum. Otherwise at the
earliest of ``zaak.afgesloten`` (every clock) and, for a clock whose stop is not
``zaak.besloten`` (a step before the besluit), ``zaak.besloten`` with any uitkomst; such a
substitute ends the clock only when dated on or after its start. On the same day the event
type that sorts first names the end (``zaak.afgesloten`` before ``zaak.besloten``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from reference.calendar import Calendar
from reference.clocks import calendar_from, load_config, moved_due
from reference.figures import periodes
from reference.zaken import Zaak, build_zaken, known_on

BESLOTEN = "zaak.besloten"
AFGESLOTEN = "zaak.afgesloten"
ONE_DAY = timedelta(days=1)

OverTermijnKey = tuple[str, str, str]  # wet, wijk, clock_id
OverTermijnCell = tuple[str, str, str, str]  # wet, wijk, periode, clock_id


@dataclass(frozen=True)
class ClockState:
    zaak_id: str
    wet: str
    wijk: str
    clock_id: str
    start: date
    due: date
    end: date | None
    ended_by: str | None  # the event type that ended the clock
    warning_on: date | None


def term_end(start: date, term: dict[str, Any], cal: Calendar) -> date:
    """Weeks and days from the day after receipt; werkdagen counted after the day of receipt."""
    if term["unit"] == "werkdagen":
        return cal.plus_werkdagen(start, term["amount"])
    return start + timedelta(days=term["amount"] * (7 if term["unit"] == "weeks" else 1))


def clock_end(zaak: Zaak, clock: dict[str, Any], start: date) -> tuple[date | None, str | None]:
    """(end, event type) of a clock of the zaak as known, or (None, None) while it runs."""
    own = zaak.datum(clock["stop"])
    if own is not None:
        return own, clock["stop"]
    kinds = [AFGESLOTEN] if clock["stop"] == BESLOTEN else [AFGESLOTEN, BESLOTEN]
    found = [(day, kind) for kind in kinds if (day := zaak.datum(kind)) and day >= start]
    return min(found, default=(None, None))


def zaak_clocks(zaak_id: str, zaak: Zaak, peildatum: date, config: dict[str, Any],
                cal: Calendar) -> list[ClockState]:  # fmt: skip
    """The started clocks of one zaak, already cut to what is known on the peildatum."""
    aangemeld = zaak.data("zaak.aangemeld")
    states = []
    for clock in config["clocks"]:
        if not aangemeld or clock["wet"] != aangemeld["wet"]:
            continue
        start = zaak.datum(clock["start"])
        if start is None and clock.get("start_fallback"):
            start = zaak.datum(clock["start_fallback"])
        if start is None:
            continue
        crisis = clock.get("crisis_term") is not None and aangemeld.get("crisis") is True
        term = clock["crisis_term"] if crisis else clock["term"]
        warning_days = clock.get("crisis_warning_days") if crisis else clock.get("warning_days")
        end, ended_by = clock_end(zaak, clock, start)
        due = term_end(start, term, cal)
        if clock["stop"] == BESLOTEN:  # only the besluit clocks know opschorting and verdaging
            due, _ = moved_due(zaak, due, start, end or peildatum, cal)
        else:
            due = cal.shift(due)
        warning_on = None if warning_days is None else due - timedelta(days=warning_days)
        wijk = aangemeld.get("wijk", "onbekend")
        states.append(ClockState(zaak_id, aangemeld["wet"], wijk, clock["id"], start, due, end,
                                 ended_by, warning_on))  # fmt: skip
    return states


def clock_states(events: Iterable[dict[str, Any]], peildatum: date) -> list[ClockState]:
    """Every started clock of every zaak as known on the peildatum, by zaak then config order."""
    config = load_config()
    cal = calendar_from(config)
    return [
        state
        for zaak_id, zaak in sorted(build_zaken(events).items())
        for state in zaak_clocks(zaak_id, known_on(zaak, peildatum), peildatum, config, cal)
    ]


def open_over_termijn(
    events: Iterable[dict[str, Any]], peildatum: date
) -> dict[OverTermijnKey, list[tuple[str, date, int]]]:
    """(wet, wijk, clock_id) -> [(zaak_id, due, days_over)], longest over first."""
    found: dict[OverTermijnKey, list[tuple[str, date, int]]] = defaultdict(list)
    for s in clock_states(events, peildatum):
        if s.due < peildatum and (s.end is None or s.end > peildatum):
            found[s.wet, s.wijk, s.clock_id].append((s.zaak_id, s.due, (peildatum - s.due).days))
    return {key: sorted(rows, key=lambda r: (-r[2], r[1], r[0])) for key, rows in found.items()}


def open_over_termijn_cells(
    events: Iterable[dict[str, Any]], peildatum: date
) -> dict[OverTermijnCell, int]:
    """(wet, wijk, periode, clock_id) -> n: in the periodes of the due date, wijk and gemeente
    (the cells {wet, wijk, periode, clock, n} of GET /api/v1/kpi/open-over-termijn)."""
    cells: Counter[OverTermijnCell] = Counter()
    for (wet, wijk, clock_id), rows in open_over_termijn(events, peildatum).items():
        for _, due, _ in rows:
            for where in (wijk, "gemeente"):
                for periode in periodes(due):
                    cells[wet, where, periode, clock_id] += 1
    return dict(cells)


def expected_alerts(
    events: Iterable[dict[str, Any]], worker_today: date
) -> set[tuple[str, str, str]]:
    """(zaak_id, clock_id, kind) of every alert the histories support by ``worker_today``.

    A kind fires on its day only if the clock had not ended when that day began (end on that
    day or later); the end is the own stop or the substitute end.
    """
    alerts = set()
    for s in clock_states(events, worker_today):
        days = {"termijn-overschreden": s.due + ONE_DAY}
        if s.warning_on is not None and max(s.warning_on, s.start) <= s.due:
            days["waarschuwing"] = max(s.warning_on, s.start)
        for kind, day in days.items():
            if (s.end is None or s.end >= day) and day <= worker_today:
                alerts.add((s.zaak_id, s.clock_id, kind))
        if s.end is not None and s.due < s.end <= worker_today:
            alerts.add((s.zaak_id, s.clock_id, "opgelost-na-termijn"))
    return alerts
