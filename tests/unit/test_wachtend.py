"""wachtend: the pure rule, the spans the worker stores and the list the reporting reads from
them agree with the independent reference (tests/reference/wachtend.py) on every peildatum."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from reference.wachtend import wachtend as reference_wachtend
from test_reference_agreement import stored_demo_events
from test_reference_kpis import histories

from services.kpi.zaken.facts import zaak_fact
from services.kpi.zaken.wachtend_sink import wachtend_document
from services.reporting.wachtend.lists import counts, wachtend_on
from shared.contract.alert_keys import OPEN
from shared.core.domain import Fact, ZaakHistory
from shared.core.kpi import wachtend as rule
from shared.core.kpi.open_over_termijn import OverTermijn, over_termijn_cells


def zaak_histories(events: Iterable) -> dict[str, ZaakHistory]:
    found: dict[str, ZaakHistory] = defaultdict(ZaakHistory)
    for event in events:
        fact = zaak_fact(event)
        if fact:
            found[fact[0]] = found[fact[0]].add(fact[1])
    return found


def stored(histories_by_zaak: dict[str, ZaakHistory]) -> list[dict[str, Any]]:
    """The documents as the worker leaves them in Redis (empty ones are not stored)."""
    texts = [wachtend_document(z, h)[0] for z, h in histories_by_zaak.items()]
    return [json.loads(t) for t in texts if t]


def served(documents: list[dict[str, Any]], peildatum: date) -> dict[str, dict[str, Any]]:
    return {
        w.zaak_id: {"wet": w.wet, "wijk": w.wijk, "sinds": w.sinds, "grond": w.grond,
                    "dagen": w.dagen}
        for w in wachtend_on(documents, peildatum)
    }  # fmt: skip


def direct(histories_by_zaak: dict[str, ZaakHistory], peildatum: date) -> dict[str, Any]:
    found = {}
    for zaak_id, history in histories_by_zaak.items():
        wacht = rule.wachtend_on(history, peildatum)
        if wacht is not None:
            found[zaak_id] = {"wet": wacht.wet, "wijk": wacht.wijk, "sinds": wacht.sinds,
                              "grond": wacht.grond, "dagen": wacht.dagen_op(peildatum)}  # fmt: skip
    return found


@settings(max_examples=400, deadline=None)
@given(histories())
def test_random_histories_agree_with_the_reference(case):
    events, peildatum = case
    by_zaak = zaak_histories(events)
    documents = stored(by_zaak)
    raw = [e.to_dict() for e in events]
    days = {f.datum for h in by_zaak.values() for f in h.facts}
    for day in sorted({peildatum, *days, *(d - timedelta(days=1) for d in days)}):
        expected = reference_wachtend(raw, day)
        assert direct(by_zaak, day) == expected, day
        assert served(documents, day) == expected, day


@cache
def demo() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    events = stored_demo_events()
    return [e.to_dict() for e in events], stored(zaak_histories(events))


@pytest.mark.parametrize(
    "peildatum",
    [date(2025, 2, 1), date(2025, 4, 30), date(2025, 7, 1), date(2025, 9, 17),
     date(2025, 12, 31), date(2026, 2, 1)],
)  # fmt: skip
def test_a_demo_year_agrees_with_the_reference(peildatum: date):
    raw, documents = demo()
    expected = reference_wachtend(raw, peildatum)
    assert served(documents, peildatum) == expected
    assert len(expected) >= (1 if peildatum.month == 2 and peildatum.year == 2025 else 100)


T0 = datetime(2026, 1, 1, tzinfo=UTC)


def fact(kind: str, datum: str, n: int, **attrs: object) -> Fact:
    return Fact(
        kind, "urn:p", f"e{n}", T0 + timedelta(minutes=n), date.fromisoformat(datum), **attrs
    )


AANGEMELD = fact("zaak.aangemeld", "2026-02-01", 0, wet="wmo", soort="melding",
                 wijk="Warande", huishouden="hh-secret")  # fmt: skip


def test_the_wait_runs_from_the_toewijzing_until_the_besluit_replaces_it():
    history = ZaakHistory.of([
        AANGEMELD,
        fact("zorg.toegewezen", "2026-03-02", 1),
        fact("zaak.besloten", "2026-03-20", 2, uitkomst="toegekend"),
        fact("zorg.gestart", "2026-04-07", 3),
    ])  # fmt: skip
    spans = rule.wachtend_spans(history)
    assert [(s.first, s.until, s.wacht.sinds, s.wacht.grond) for s in spans] == [
        (date(2026, 3, 2), date(2026, 3, 20), date(2026, 3, 2), "toewijzing"),
        (date(2026, 3, 20), date(2026, 4, 7), date(2026, 3, 20), "besluit"),
    ]
    assert rule.on(spans, date(2026, 3, 10)).dagen_op(date(2026, 3, 10)) == 8  # type: ignore[union-attr]
    assert rule.on(spans, date(2026, 4, 6)).dagen_op(date(2026, 4, 6)) == 17  # type: ignore[union-attr]
    assert rule.on(spans, date(2026, 4, 7)) is None
    assert rule.on(spans, date(2026, 3, 1)) is None


@pytest.mark.parametrize(
    "extra",
    [
        [fact("zaak.besloten", "2026-03-20", 2, uitkomst="afgewezen")],
        [fact("zaak.besloten", "2026-03-20", 2, uitkomst="toegekend"),
         fact("zaak.afgesloten", "2026-05-01", 3, verwezen=False)],
    ],
)  # fmt: skip
def test_no_grant_any_more_or_closed_ends_the_wait(extra):
    history = ZaakHistory.of([AANGEMELD, fact("zorg.toegewezen", "2026-03-02", 1), *extra])
    last = rule.wachtend_spans(history)[-1]
    assert last.until == extra[-1].datum
    text, score = wachtend_document("Z", history)
    assert score == extra[-1].datum.toordinal()
    assert "hh-secret" not in text  # no pseudonyms in Redis


def test_a_zaak_never_wachtend_stores_nothing_and_a_running_one_is_open():
    started_first = [AANGEMELD, fact("zorg.gestart", "2026-02-10", 1),
                     fact("zaak.besloten", "2026-03-20", 2, uitkomst="toegekend")]  # fmt: skip
    assert wachtend_document("Z", ZaakHistory.of(started_first)) == ("", OPEN)
    no_aanmelding = [fact("zaak.besloten", "2026-03-20", 2, uitkomst="toegekend")]
    assert wachtend_document("Z", ZaakHistory.of(no_aanmelding)) == ("", OPEN)
    waiting = [AANGEMELD, fact("zaak.besloten", "2026-03-20", 2, uitkomst="toegekend")]
    text, score = wachtend_document("Z", ZaakHistory.of(waiting))
    assert score == OPEN
    assert text == wachtend_document("Z", ZaakHistory.of(reversed(waiting)))[0]


def test_a_corrected_besluit_counts_from_its_corrected_date_only():
    history = ZaakHistory.of([
        AANGEMELD,
        fact("zaak.besloten", "2026-03-01", 1, uitkomst="toegekend"),
        fact("zaak.besloten", "2026-03-15", 2, uitkomst="toegekend"),  # later time: counts
    ])  # fmt: skip
    assert rule.wachtend_on(history, date(2026, 3, 10)) is None
    wacht = rule.wachtend_on(history, date(2026, 3, 20))
    assert wacht is not None and (wacht.sinds, wacht.dagen_op(date(2026, 3, 20))) == (
        date(2026, 3, 15),
        5,
    )


def test_counts_per_wet_and_wijk_include_gemeente_and_follow_the_wijk_filter():
    documents = stored({
        "A": ZaakHistory.of([AANGEMELD, fact("zaak.besloten", "2026-03-20", 2,
                                             uitkomst="toegekend")]),
        "B": ZaakHistory.of([fact("zaak.aangemeld", "2026-02-01", 0, wet="wmo",
                                  soort="melding"), fact("zorg.toegewezen", "2026-03-02", 1)]),
    })  # fmt: skip
    rows = wachtend_on(documents, date(2026, 4, 1))
    assert [(r.zaak_id, r.wijk, r.dagen) for r in rows] == [("B", "onbekend", 30),
                                                             ("A", "Warande", 12)]  # fmt: skip
    assert counts(rows) == {("wmo", "Warande"): 1, ("wmo", "onbekend"): 1,
                            ("wmo", "gemeente"): 2}  # fmt: skip
    assert counts(rows, "gemeente") == {("wmo", "gemeente"): 2}
    assert [r.zaak_id for r in wachtend_on(documents, date(2026, 4, 1), wijk="Warande")] == ["A"]
    assert wachtend_on(documents, date(2026, 4, 1), wet="jeugdwet") == []


def test_open_over_termijn_cells_count_in_the_periodes_of_the_due_date():
    found = {
        "wmo-besluit": [
            OverTermijn("A", "wmo", "Warande", "wmo-besluit", date(2026, 3, 2), 44),
            OverTermijn("B", "wmo", "Dierdonk", "wmo-besluit", date(2026, 7, 1), 2),
        ],
        "wmo-onderzoek": [
            OverTermijn("A", "wmo", "Warande", "wmo-onderzoek", date(2026, 2, 16), 58)
        ],
    }
    cells = over_termijn_cells(found)
    assert cells["wmo", "gemeente", "2026", "wmo-besluit"] == 2
    assert cells["wmo", "gemeente", "2026-H1", "wmo-besluit"] == 1
    assert cells["wmo", "Dierdonk", "2026-07", "wmo-besluit"] == 1
    assert cells["wmo", "Warande", "2026-02", "wmo-onderzoek"] == 1
    assert sum(n for (_, wijk, p, _), n in cells.items() if wijk == "gemeente" and p == "2026") == 3
