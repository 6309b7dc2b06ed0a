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
from collections.abc import Callable, Iterable, Mapping
from datetime import date

from shared.core.domain import ZaakHistory

State = Mapping[tuple[str, str], int]
"""(cell, field) -> count: what one zaak adds to the figures on one peildatum."""

AsOf = Callable[[ZaakHistory, date], State]
"""The state on a peildatum from the zaak as known on it (``history.as_of(peildatum)``)."""

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
    history: ZaakHistory, state: AsOf, changes_on: Iterable[date] = ()
) -> dict[tuple[str, str], int]:
    """The changes of ``state`` over time, as dated increments.

    ``state`` may depend on the peildatum only through the facts dated on or before it and
    through the days in ``changes_on``: then it is constant between those days and the
    zaak's fact dates, and evaluating it on each of them is exact.
    """
    days = sorted({f.datum for f in history.facts}.union(changes_on))
    increments: dict[tuple[str, str], int] = {}
    before: Counter[tuple[str, str]] = Counter()
    for day in days:
        now = Counter(state(history.as_of(day), day))
        change = Counter(now)
        change.subtract(before)
        for (cell, field), inc in change.items():
            if inc:
                increments[(cell, dated_field(field, day))] = inc
        before = now
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
