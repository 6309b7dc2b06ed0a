"""wachttijd, STH and bereik: summed zaak contributions, read by the reporting functions for a
peildatum, equal the independent reference computed from the raw events known on it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference.figures import bereik_ondersteuning, sth_opgepakt, sth_zonder_verwijzing, wachttijd
from test_reference_agreement import stored_demo_events

from services.kpi.zaken.facts import zaak_fact
from services.reporting.kpis import AVAILABLE, CellContext
from shared.contract.events import new_event
from shared.core.domain import AtwCalendar, ZaakHistory
from shared.core.kpi.contribution import zaak_contribution
from shared.platform.settings import get_domain_config

Reference = Callable[[Iterable[dict[str, Any]], date], dict]
REFERENCES: dict[str, Reference] = {
    "wachttijd": wachttijd,
    "sth-opgepakt": sth_opgepakt,
    "sth-zonder-verwijzing": sth_zonder_verwijzing,
    "bereik-ondersteuning": bereik_ondersteuning,
}


def summed_counters(events: Iterable) -> dict[str, dict[tuple[str, str, str], dict[str, str]]]:
    """kpi -> cell -> counters, as the sink leaves them in Redis (zero fields deleted)."""
    domain = get_domain_config()
    calendar = AtwCalendar(domain.gelijkgestelde_dagen)
    histories: dict[str, ZaakHistory] = defaultdict(ZaakHistory)
    for event in events:
        found = zaak_fact(event)
        if found:
            histories[found[0]] = histories[found[0]].add(found[1])
    totals: Counter = Counter()
    for zaak_id, history in histories.items():
        totals.update(zaak_contribution(history, domain, calendar, zaak_id=zaak_id))
    cells: dict = defaultdict(lambda: defaultdict(dict))
    for (cell, field), count in totals.items():
        kpi, wet, wijk, periode = cell.split("|")
        if count:
            cells[kpi][wet, wijk, periode][field] = str(count)
    return cells


def module_figures(counters: dict, kpi: str, peildatum: date) -> dict:
    """Published cells (a cell whose basis is 0 is absent), before suppression."""
    definition, domain = AVAILABLE[kpi], get_domain_config()
    figures = {}
    for (wet, wijk, periode), fields in counters.get(kpi, {}).items():
        cell = definition.figures(fields, peildatum, CellContext.of(wijk, domain))
        if cell[definition.basis]:
            figures[wet, wijk, periode] = cell
    return figures


@cache
def demo() -> tuple[list[dict[str, Any]], dict]:
    events = stored_demo_events()
    return [e.to_dict() for e in events], summed_counters(events)


DEMO_PEILDATA = [
    date(2025, 1, 20),
    date(2025, 3, 31),
    date(2025, 6, 30),
    date(2025, 7, 15),
    date(2025, 10, 9),
    date(2025, 12, 31),
    date(2026, 2, 1),
]


@pytest.mark.parametrize("kpi", sorted(REFERENCES))
def test_a_demo_year_agrees_with_the_reference_on_every_peildatum(kpi):
    raw, counters = demo()
    for peildatum in DEMO_PEILDATA:
        reference = REFERENCES[kpi](raw, peildatum)
        assert module_figures(counters, kpi, peildatum) == reference, peildatum
    year = REFERENCES[kpi](raw, date(2026, 2, 1))
    basis = AVAILABLE[kpi].basis
    assert sum(f[basis] for (_, w, p), f in year.items() if w == "gemeente" and p == "2025") > 100


def test_the_demo_year_exercises_the_edge_cases():
    raw = demo()[0]
    later = sth_opgepakt(raw, date(2026, 2, 1))[("sth", "gemeente", "2025-12")]
    on_31_dec = sth_opgepakt(raw, date(2025, 12, 31))[("sth", "gemeente", "2025-12")]
    assert on_31_dec["n"] < later["n"]  # December hulpvragen left out while their norm runs
    waits = wachttijd(raw, date(2026, 2, 1))
    assert waits[("wmo", "gemeente", "2025")]["median"] > 0
    bereik = bereik_ondersteuning(raw, date(2026, 2, 1))[("wmo", "Brandevoort", "2025")]
    assert bereik["per_1000"] is not None


SOURCE = "urn:nld:oin:00000001002220647000:systeem:test"
T0 = datetime(2024, 1, 1, tzinfo=UTC)


@st.composite
def zaak_events(draw: st.DrawFn, zaak_id: str) -> list[tuple[str, date, dict[str, Any]]]:
    """One zaak with a random mix of the facts these KPIs read, corrections included."""
    wet = draw(st.sampled_from(["wmo", "jeugdwet", "sth", "sth", "wgs"]))
    start = date(2025, 11, 1) + timedelta(days=draw(st.integers(0, 120)))
    near = st.one_of(st.integers(-10, 90), st.integers(12, 17))  # the norm day is ~14 days on
    facts: list[tuple[str, date, dict[str, Any]]] = []

    def day() -> date:
        return start + timedelta(days=draw(near))

    for _ in range(draw(st.integers(0, 2))):  # none: aanmelding not arrived; two: a correction
        data = {"wet": wet, "soort": "hulpvraag",
                "wijk": draw(st.sampled_from(["Warande", "Stiphout", "onbekend"]))}  # fmt: skip
        household = draw(st.sampled_from([None, "hh-a", "hh-b"]))
        if household:
            data["huishouden"] = household
        facts.append(("zaak.aangemeld", start + timedelta(days=draw(st.integers(-3, 3))), data))
    for _ in range(draw(st.integers(0, 2))):
        facts.append(("zaak.eerste-contact", day(), {}))
    for _ in range(draw(st.integers(0, 2))):
        uitkomst = draw(st.sampled_from(["toegekend", "toegekend", "afgewezen", "ingetrokken"]))
        facts.append(("zaak.besloten", day(), {"uitkomst": uitkomst}))
    for kind in ("zorg.toegewezen", "zorg.gestart"):
        facts.extend((kind, day(), {}) for _ in range(draw(st.integers(0, 2))))
    for _ in range(draw(st.integers(0, 2))):
        facts.append(("zaak.afgesloten", day(), {"verwezen": draw(st.booleans())}))
    return [(kind, when, {"zaak_id": zaak_id, **data}) for kind, when, data in facts]


@st.composite
def histories(draw: st.DrawFn) -> tuple[list, date]:
    facts = [f for i in range(draw(st.integers(1, 3))) for f in draw(zaak_events(f"Z-{i}"))]
    order = draw(st.permutations(range(len(facts))))  # the CloudEvents time: corrections win
    events = [
        new_event(kind, {"datum": when.isoformat(), **data}, source=SOURCE,
                  time=T0 + timedelta(minutes=order[i]))
        for i, (kind, when, data) in enumerate(facts)
    ]  # fmt: skip
    days = [when for _, when, _ in facts] or [date(2026, 1, 1)]
    peildatum = draw(st.sampled_from(days)) + timedelta(days=draw(st.integers(-2, 2)))
    return events, draw(st.sampled_from([peildatum, date(2027, 1, 1)]))


@settings(max_examples=500, deadline=None)
@given(histories())
def test_random_histories_agree_with_the_reference_on_a_random_peildatum(case):
    events, peildatum = case
    counters = summed_counters(events)
    raw = [e.to_dict() for e in events]
    for kpi, reference in REFERENCES.items():
        assert module_figures(counters, kpi, peildatum) == reference(raw, peildatum), kpi
