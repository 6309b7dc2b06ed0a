"""Historisch alerts are a view of the zaken's current histories (docs/domain.md#alerts): the
worker's
processor, fed a historical load in several shuffled orders and batch splits (restarts
included), ends with exactly the alerts the complete histories support
(reference.termijnen.expected_alerts at the worker's clock, a day or more after the last event,
the same day for every order).

Historisch alerts are that view; alerts that were news when computed (their term had not
passed when the zaak was first seen, and they became due within the window of the worker's
today) were pushed instead, and pushed alerts are a log: once given they stay, even when a
later fact of the historical load no longer supports them. So per order:

- every alert the histories support is in the historisch view or was pushed;
- the view holds nothing else, and nothing in it was pushed;
- nothing stale was pushed: each pushed alert's term had not passed before its zaak was first
  seen and it became due at most the window before the day it was pushed;
- when nothing was pushed, the view is exactly the reference's alerts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from fixtures.alert_stream import Published, Record, feed, processor, tick
from fixtures.zaak_histories import last_datum, zaken_events
from hypothesis import given, settings
from hypothesis import strategies as st
from reference.termijnen import expected_alerts

from services.kpi.settings import KpiSettings
from shared.contract.events import CloudEvent, to_structured_record
from shared.core.alerts import DueAlert

WINDOW = KpiSettings().alert_window_days
AlertKey = tuple[str, str, str]


@dataclass
class Logged(Published):
    """Published, plus the day (the partition's clock) each alert was pushed on."""

    pushed_on: dict[str, date] = field(default_factory=dict)

    async def publish(self, alerts: Sequence[DueAlert], today: date) -> None:
        await super().publish(alerts, today)
        self.pushed_on.update({a.alert_id: today for a in alerts})


def key(alert: DueAlert) -> AlertKey:
    return (alert.zaak_id, alert.clock_id, alert.kind.value)


def zaak_of(event: CloudEvent) -> str:
    return str(event.to_dict()["data"]["zaak_id"])


def as_record(event: CloudEvent, day: date) -> Record:
    r = to_structured_record(event)
    return Record(int(zaak_of(event)[2:]) % 3, day, r.key, r.value, r.headers)


LAST_BATCH = 3  # at most 4 batches: the last arrives 3 days after the first


async def load(batches: list[list[CloudEvent]], first_day: date, restarts: set[int]) -> Logged:
    """Batch i arrives on first_day + i; the worker restarts (new schedule, same table) before
    the batches in ``restarts``; the timer ticks after every batch and on the final day."""
    published, table = Logged(), dict[str, Any]()
    p = processor(table, published)
    for n, batch in enumerate(batches):
        day = first_day + timedelta(days=n)
        if n in restarts:
            p = processor(table, published)
        for event in batch:
            await feed(p, as_record(event, day), day)
        await tick(p, day)
    await tick(p, first_day + timedelta(days=LAST_BATCH))
    return published


@st.composite
def arrivals(draw: st.DrawFn, events: list[CloudEvent]) -> tuple[list[list[CloudEvent]], set[int]]:
    """A shuffled order of the events cut into 1-4 batches, and where the worker restarts."""
    order = draw(st.permutations(events))
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(order) - 1)), max_size=LAST_BATCH)))
    bounds = [0, *cuts, len(order)]
    batches = [list(order[a:b]) for a, b in pairwise(bounds) if a < b]
    restarts = draw(st.sets(st.integers(1, LAST_BATCH), max_size=1))
    return batches, restarts


@settings(max_examples=120, deadline=None)
@given(st.data(), zaken_events(max_zaken=4), st.integers(1, 40))
def test_the_historisch_view_is_what_the_complete_histories_support(
    data: st.DataObject, events: list[CloudEvent], after: int
) -> None:
    first_day = last_datum(events) + timedelta(days=after)  # the worker's clock
    worker_today = first_day + timedelta(days=LAST_BATCH)  # where every run ends
    supported = expected_alerts((e.to_dict() for e in events), worker_today)
    views: list[set[AlertKey]] = []
    for _ in range(3):
        batches, restarts = data.draw(arrivals(events))
        published = asyncio.run(load(batches, first_day, restarts))

        view = {key(a) for a in published.historisch()}
        pushed = {key(a) for a in published.alerts}
        assert all(a.historisch for a in published.historisch())
        assert len(pushed) == len(published.alerts), "an alert was pushed twice"
        assert not view & pushed
        assert view <= supported
        assert view | (pushed & supported) == supported
        if not pushed:
            assert view == supported

        first_seen: dict[str, date] = {}
        for n, batch in enumerate(batches):
            for event in batch:
                first_seen.setdefault(zaak_of(event), first_day + timedelta(days=n))
        for a in published.alerts:
            assert a.due >= first_seen[a.zaak_id]
            assert (published.pushed_on[a.alert_id] - a.datum).days <= WINDOW
        views.append(view | (pushed & supported))
    assert views[0] == views[1] == views[2]
