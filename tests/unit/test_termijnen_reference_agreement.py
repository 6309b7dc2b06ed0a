"""The clock code and the open-over-termijn views agree with the independent reference
(tests/reference/termijnen.py) on generated histories, for any peildatum: every started
clock's start, due date, warning day and end (its own stopping event, or zaak.afgesloten or
the besluit that ended it without one, docs/domain.md#laws-and-clocks), the open-over-termijn list
and its cells
(docs/domain.md#kpis). The module side goes the way the services do: events -> facts -> the
termijnen
document the worker stores -> the open-until index -> the reporting computation.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from fixtures.zaak_histories import BASE, zaken_events
from hypothesis import given, settings
from hypothesis import strategies as st
from reference.termijnen import clock_states, open_over_termijn, open_over_termijn_cells

from services.kpi.zaken.facts import zaak_fact
from services.kpi.zaken.termijnen_sink import termijnen_document
from shared.contract.alert_keys import OPEN, split_member
from shared.contract.events import CloudEvent
from shared.core.domain import AtwCalendar, ZaakHistory, clock_ends, compute_clocks
from shared.core.domain_config import ONBEKEND, load_domain_config
from shared.core.kpi import open_over_termijn as open_over_termijn_kpi
from shared.platform.settings import DEFAULT_DOMAIN_CONFIG

DOMAIN = load_domain_config(DEFAULT_DOMAIN_CONFIG)
CLOCKS = {c.id: c for c in DOMAIN.clocks}
CAL = AtwCalendar(DOMAIN.gelijkgestelde_dagen)
for _year in range(2024, 2028):  # build the cached years now, not inside a timed example
    CAL.feestdagen(_year)


def histories(events: list[CloudEvent]) -> dict[str, ZaakHistory]:
    found: dict[str, ZaakHistory] = defaultdict(ZaakHistory)
    for event in events:
        fact = zaak_fact(event)
        if fact is not None:
            found[fact[0]] = found[fact[0]].add(fact[1])
    return dict(found)


def module_clocks(events: list[CloudEvent], peildatum: date) -> dict[tuple[str, str], Any]:
    states = {}
    for zaak_id, history in histories(events).items():
        aangemeld = history.as_of(peildatum).current("zaak.aangemeld")
        wijk = (aangemeld.wijk if aangemeld else None) or ONBEKEND
        for r in compute_clocks(DOMAIN.clocks, history, CAL, peildatum):
            states[zaak_id, r.clock_id] = (
                str(r.wet), wijk, r.start, r.due, r.end, r.ended_by, r.warning_on
            )  # fmt: skip
    return states


def reference_clocks(raw: list[dict[str, Any]], peildatum: date) -> dict[tuple[str, str], Any]:
    return {
        (s.zaak_id, s.clock_id): (s.wet, s.wijk, s.start, s.due, s.end, s.ended_by, s.warning_on)
        for s in clock_states(raw, peildatum)
    }


def module_open_over_termijn(
    events: list[CloudEvent], peildatum: date
) -> dict[str, list[open_over_termijn_kpi.OverTermijn]]:
    """As the reporting API computes it, from the documents and the index the worker writes."""
    documents, candidates = {}, []
    for zaak_id, history in histories(events).items():
        text = termijnen_document(zaak_id, history, DOMAIN)
        if not text:
            continue
        document = json.loads(text)
        documents[zaak_id] = document
        candidates += [
            split_member(member)
            for member, score in document["index"]
            if score > peildatum.toordinal() or score == OPEN
        ]
    return open_over_termijn_kpi.open_over_termijn(candidates, documents, CLOCKS, CAL, peildatum)


@settings(max_examples=300, deadline=None)
@given(zaken_events(), st.integers(0, 480))
def test_clocks_and_open_over_termijn_agree_with_the_reference(
    events: list[CloudEvent], day: int
) -> None:
    peildatum = BASE + timedelta(days=day)
    raw = [e.to_dict() for e in events]
    assert module_clocks(events, peildatum) == reference_clocks(raw, peildatum)

    found = module_open_over_termijn(events, peildatum)
    as_list = {
        (rows[0].wet, rows[0].wijk, clock): [(r.zaak_id, r.due, r.days_over) for r in rows]
        for clock, rows in found.items()
        for rows in [[r for r in rows if r.wijk == w] for w in {r.wijk for r in rows}]
        if rows
    }
    assert as_list == open_over_termijn(raw, peildatum)
    assert dict(open_over_termijn_kpi.over_termijn_cells(found)) == open_over_termijn_cells(
        raw, peildatum
    )


@settings(max_examples=100, deadline=None)
@given(zaken_events(max_zaken=2))
def test_the_kpis_read_only_the_own_stopping_event(events: list[CloudEvent]) -> None:
    """stopped, tijdig and doorlooptijd stay those of the clock's own stopping event."""
    for history in histories(events).values():
        for r in compute_clocks(DOMAIN.clocks, history, CAL):
            own = history.current(CLOCKS[r.clock_id].stop)
            assert r.stopped == (own.datum if own else None)
            if own is not None:
                assert (r.end, r.ended_by) == (own.datum, own.event_type)
            assert (r.tijdig is None) == (r.stopped is None)
            if r.end is not None and r.stopped is None:
                assert r.ended_by in ("zaak.afgesloten", "zaak.besloten")
                assert r.steps[-1].kind == "einde" and r.ended_by in r.steps[-1].reason


@given(zaken_events())
def test_the_index_ends_are_the_clocks_ends(events: list[CloudEvent]) -> None:
    """The termijnen document's index takes each clock's end from ``clock_ends``, which skips
    the term and its texts: the same clocks, in the same order, with the same ends as
    ``compute_clocks`` without a peildatum."""
    for history in histories(events).values():
        full = [(r.clock_id, r.end) for r in compute_clocks(DOMAIN.clocks, history, CAL)]
        assert clock_ends(DOMAIN.clocks, history) == full
