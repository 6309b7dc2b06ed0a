"""The legal clocks of docs/domain.md#clock-rules: when a term started, when it is due, whether it
was met.

One function serves the alerts, the open-over-termijn list and the doorlooptijd/tijdig KPIs,
so a zaak can never be on time in one figure and late in another.

A clock ends at its own stopping event (``stopped``). While that is not known, it ends at the
earliest of ``zaak.afgesloten`` (every clock) and, for a step before the besluit (a clock not
stopped by ``zaak.besloten``: Wmo onderzoek, Wgs eerste gesprek, STH opgepakt), the zaak's
``zaak.besloten`` with any uitkomst (docs/domain.md#clock-endings). Such an event ends the
clock only when dated on or after its start (a clock that starts later runs on its own); on
one day ``zaak.afgesloten`` names the end. An opschorting
still open then ends with the clock. ``end`` and ``ended_by`` carry it; open over termijn and
the alerts read them, the KPIs read ``stopped``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from shared.core.domain.calendar import AtwCalendar
from shared.core.domain.clock_result import ClockResult, Step
from shared.core.domain.fact import Fact
from shared.core.domain.history import ZaakHistory
from shared.core.domain.moves import apply_moves
from shared.core.domain_config import ClockConfig, Term

INGETROKKEN = "ingetrokken"
BESLOTEN = "zaak.besloten"
AFGESLOTEN = "zaak.afgesloten"
_ENDED_BY_NL = {BESLOTEN: "het besluit", AFGESLOTEN: "de afsluiting"}
_UNIT_NL = {"weeks": "weken", "days": "dagen", "werkdagen": "werkdagen"}


def compute_clock(
    clock: ClockConfig,
    history: ZaakHistory,
    calendar: AtwCalendar,
    peildatum: date | None = None,
) -> ClockResult | None:
    """The clock's state as of ``peildatum``; None when its start fact is missing.

    Without a peildatum every known fact counts, and a suspension that is still open (no
    hervat, no besluit) runs to the latest date the zaak's facts mention.

    Computed once per history, clock, calendar and peildatum (``ZaakHistory.memoised``): the
    figures, the termijnen document and the alerts of a zaak share one computation.
    """
    entry = history.memoised(
        (_CLOCK, id(clock), id(calendar), peildatum),
        lambda: (clock, calendar, _compute_clock(clock, history, calendar, peildatum)),
    )
    if entry[0] is clock and entry[1] is calendar:  # held by the entry: ids are not reused
        return entry[2]
    return _compute_clock(clock, history, calendar, peildatum)  # pragma: no cover


_CLOCK = object()


def _compute_clock(
    clock: ClockConfig,
    history: ZaakHistory,
    calendar: AtwCalendar,
    peildatum: date | None,
) -> ClockResult | None:
    if peildatum is not None:
        history = history.as_of(peildatum)
    start_fact = _start_fact(clock, history)
    if start_fact is None:
        return None
    start = start_fact.datum
    aangemeld = history.current("zaak.aangemeld")
    crisis = clock.crisis_term is not None and aangemeld is not None and aangemeld.crisis is True
    term = clock.crisis_term if crisis and clock.crisis_term is not None else clock.term
    due = _term_end(start, term, calendar)
    term_text = f"{term.amount} {_UNIT_NL[term.unit]}" + (" (crisis)" if crisis else "")
    term_reason = f"termijn {term_text} vanaf {start} ({start_fact.event_type}): {due}"
    steps = [Step("term", start, None, (due - start).days, True, due, term_reason)]

    stop_fact = history.current(clock.stop)
    stopped = stop_fact.datum if stop_fact is not None else None
    end_fact = _end_fact(clock, history, start, stop_fact)
    end = end_fact.datum if end_fact is not None else None
    counted, suspended_now = 0, False
    if clock.is_besluit_clock:
        until = end or peildatum or history.latest_datum or start
        ended = None if end_fact is None else _ENDED_BY_NL.get(end_fact.event_type, "het einde")
        moved = apply_moves(due, start, until, ended, history, calendar)
        due, counted, suspended_now = moved.due, moved.counted_suspended_days, moved.suspended_now
        steps.extend(moved.steps)

    due_before_shift = due
    due, skipped = calendar.shift_explained(due)
    if skipped:
        why = ", ".join(f"{d} is {reason}" for d, reason in skipped)
        shift_reason = f"{why}: termijn eindigt op {due} (Atw art. 1)"
        steps.append(
            Step("atw-shift", due_before_shift, due, len(skipped), True, due, shift_reason)
        )

    uitkomst = stop_fact.uitkomst if stop_fact is not None else None
    ingetrokken = clock.is_besluit_clock and uitkomst == INGETROKKEN
    if stop_fact is not None and stopped is not None:
        steps.append(_stop_step(stop_fact.event_type, stopped, due, uitkomst, ingetrokken))
    elif end_fact is not None:
        steps.append(_end_step(end_fact, clock.stop, due))
    warning_days = clock.crisis_warning_days if crisis else clock.warning_days
    return ClockResult(
        clock_id=clock.id,
        wet=clock.wet,
        start=start,
        due=due,
        due_before_shift=due_before_shift,
        stopped=stopped,
        end=end,
        ended_by=None if end_fact is None else end_fact.event_type,
        uitkomst=uitkomst,
        ingetrokken=ingetrokken,
        crisis=crisis,
        counted_suspended_days=counted,
        suspended_now=suspended_now,
        warning_on=None if warning_days is None else due - timedelta(days=warning_days),
        peildatum=peildatum,
        steps=tuple(steps),
    )


def compute_clocks(
    clocks: Iterable[ClockConfig],
    history: ZaakHistory,
    calendar: AtwCalendar,
    peildatum: date | None = None,
) -> list[ClockResult]:
    """Every configured clock of the zaak's wet that has started.

    The wet is the aanmelding's as known on the peildatum (docs/domain.md#peildatum): an
    aanmelding corrected to a later date is not known yet, and neither is the zaak's wet.
    """
    wet = (history if peildatum is None else history.as_of(peildatum)).wet
    results = (compute_clock(c, history, calendar, peildatum) for c in clocks if c.wet is wet)
    return [r for r in results if r is not None]


def clock_ends(
    clocks: Iterable[ClockConfig], history: ZaakHistory
) -> list[tuple[str, date | None]]:
    """(clock id, ``end``) of every clock ``compute_clocks`` gives without a peildatum, in
    its order: what the open-until index needs, without the term, its moves and the texts
    that explain them (the end of a clock does not depend on its due date)."""
    wet = history.wet
    ends: list[tuple[str, date | None]] = []
    for clock in clocks:
        if clock.wet is not wet:
            continue
        start_fact = _start_fact(clock, history)
        if start_fact is None:
            continue
        end_fact = _end_fact(clock, history, start_fact.datum, history.current(clock.stop))
        ends.append((clock.id, None if end_fact is None else end_fact.datum))
    return ends


def _start_fact(clock: ClockConfig, history: ZaakHistory) -> Fact | None:
    start_fact = history.current(clock.start)
    if start_fact is None and clock.start_fallback is not None:
        start_fact = history.current(clock.start_fallback)
    return start_fact


def _end_fact(
    clock: ClockConfig, history: ZaakHistory, start: date, stop_fact: Fact | None
) -> Fact | None:
    """The clock's own stopping event, else the event that ended it without one."""
    return stop_fact if stop_fact is not None else _substitute_end(clock, history, start)


def _term_end(start: date, term: Term, calendar: AtwCalendar) -> date:
    """Weeks and days run from the day after receipt; werkdagen count those after it."""
    if term.unit == "werkdagen":
        return calendar.add_werkdagen(start, term.amount)
    return start + timedelta(days=term.amount * (7 if term.unit == "weeks" else 1))


def _substitute_end(clock: ClockConfig, history: ZaakHistory, start: date) -> Fact | None:
    """The event that ended the clock while its own stopping event is unknown, if any.

    ``zaak.afgesloten`` ends every clock; ``zaak.besloten`` (any uitkomst) also ends a step
    before the besluit. Only an event dated on or after the start ends the clock; the earliest
    counts, and on one day ``zaak.afgesloten`` (sorting first) names the end.
    """
    kinds = (AFGESLOTEN,) if clock.stop == BESLOTEN else (AFGESLOTEN, BESLOTEN)
    found = [f for kind in kinds if (f := history.current(kind)) is not None and f.datum >= start]
    return min(found, key=lambda f: (f.datum, f.event_type), default=None)


def _end_step(fact: Fact, own_stop: str, due: date) -> Step:
    what = f"{fact.event_type} op {fact.datum}" + (f" ({fact.uitkomst})" if fact.uitkomst else "")
    late = (fact.datum - due).days
    verdict = "tijdig" if late <= 0 else f"{late} dagen te laat"
    reason = (
        f"{what} beeindigt de klok zonder eigen stopgebeurtenis ({own_stop} is niet bekend): "
        f"termijn {due}, {verdict}"
    )
    return Step("einde", fact.datum, None, max(late, 0), late <= 0, due, reason)


def _stop_step(
    event_type: str, stopped: date, due: date, uitkomst: str | None, ingetrokken: bool
) -> Step:
    what = f"{event_type} op {stopped}" + (f" ({uitkomst})" if uitkomst else "")
    late = (stopped - due).days
    verdict = "tijdig" if late <= 0 else f"{late} dagen te laat"
    reason = f"{what}: termijn {due}, {verdict}"
    if ingetrokken:
        reason += "; ingetrokken: telt niet mee voor doorlooptijd en tijdig beslist"
    return Step("stop", stopped, None, max(late, 0), late <= 0, due, reason)
