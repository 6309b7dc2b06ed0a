"""Counters that answer for any peildatum (docs/domain.md#peildatum: events dated after it are not
counted).

Some of a zaak's figures depend on the peildatum: an STH hulpvraag is left out until its norm
day has passed, and on a peildatum before the besluit a zaak has no besluit yet, so its
wachttijd runs from the toewijzing instead. Live counters cannot be cut back at query time
unless each says from when it counts. So these KPIs are written as the state of one zaak *as
of* a peildatum, (cell, field) -> count, evaluated on ``history.as_of(day)`` on every day the
state can change (a fact's date, or a norm day passing); the contribution holds the changes,
each in a field ``<field>@<YYYYMMDD>`` that counts from that day on. The fields dated on or
before a peildatum sum to exactly the state of every zaak on it; all of them sum to the live
figure. A change can be negative (a zaak leaves a bucket); the sums never are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from datetime import date

from shared.core.domain import Fact, ZaakHistory

State = Mapping[tuple[str, str], int]
"""(cell, field) -> count: what one zaak adds to the figures on one peildatum."""

AsOf = Callable[[ZaakHistory, date], State]
"""The state on a peildatum from the zaak as known on it (``history.as_of(peildatum)``)."""

KeptStates = MutableMapping[date, tuple[tuple[Fact, ...], Counter[tuple[str, str]]]]
"""Day -> (the facts known on it, the state on it) of an earlier ``dated_contribution``."""

_SEP = "@"


def dated_field(field: str, day: date) -> str:
    return f"{field}{_SEP}{day:%Y%m%d}"


def split_dated_field(name: str) -> tuple[str, str] | None:
    """(field, YYYYMMDD) of a dated field; None for any other name."""
    field, sep, day = name.rpartition(_SEP)
    if not sep or len(day) != 8 or not day.isdigit():
        return None
    return field, day


def dated_contribution(
    history: ZaakHistory,
    state: AsOf,
    changes_on: Iterable[date] = (),
    kept: KeptStates | None = None,
) -> dict[tuple[str, str], int]:
    """The changes of ``state`` over time, as dated increments.

    ``state`` may depend on the peildatum only through the facts dated on or before it and
    through the days in ``changes_on``: then it is constant between those days and the
    zaak's fact dates, and evaluating it on each of them is exact.

    ``kept``: the states of an earlier call with the same ``state`` (the same zaak), replaced
    by this call's. ``state`` is a function of the facts known on the day and the day, so a
    day whose known facts equal the kept ones is not evaluated again: a new fact costs the
    days from the first one it changes on (docs/performance.md, "KPI worker: issue 14").
    """
    days = sorted({f.datum for f in history.facts}.union(changes_on))
    increments: dict[tuple[str, str], int] = {}
    before: Counter[tuple[str, str]] = Counter()
    states: dict[date, tuple[tuple[Fact, ...], Counter[tuple[str, str]]]] = {}
    for day in days:
        known = history.as_of(day)
        old = kept.get(day) if kept else None
        reuse = old is not None and old[0] == known.facts
        now = old[1] if old is not None and reuse else Counter(state(known, day))
        states[day] = (known.facts, now)
        change = Counter(now)
        change.subtract(before)
        for (cell, field), inc in change.items():
            if inc:
                increments[(cell, dated_field(field, day))] = inc
        before = now
    if kept is not None:
        kept.clear()
        kept.update(states)
    return increments


def counts_on(fields: Mapping[str, str | int], peildatum: date) -> dict[str, int]:
    """A cell's counters on ``peildatum``: each field's changes dated on or before it, summed.

    Fields that are not dated are no part of these KPIs and are ignored.
    """
    cutoff = f"{peildatum:%Y%m%d}"
    totals: Counter[str] = Counter()
    for name, value in fields.items():
        split = split_dated_field(name)
        if split is not None and split[1] <= cutoff:
            totals[split[0]] += int(value)
    return {field: count for field, count in totals.items() if count}
