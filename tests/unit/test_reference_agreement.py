"""The pure clock/KPI modules and the independent reference agree on a whole demo year."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from reference.figures import doorlooptijd

from demo import DemoOptions, DemoStream
from services.kpi.zaken.facts import zaak_fact
from shared.contract.events import accept_at_edge, new_event
from shared.core.domain import AtwCalendar, ZaakHistory
from shared.core.kpi.contribution import zaak_contribution
from shared.core.kpi.doorlooptijd import doorlooptijd_figures
from shared.core.pseudonym import Pseudonymiser
from shared.platform.settings import PseudonymSettings, get_domain_config

DEMO_TODAY = date(2026, 2, 1)


def stored_demo_events() -> list:
    domain = get_domain_config()
    keys = PseudonymSettings()
    pseudonymiser = Pseudonymiser(keys.key, keys.key_version)
    options = DemoOptions(start=date(2025, 1, 1), months=12, seed=23, today=DEMO_TODAY)
    return [accept_at_edge(e, domain, pseudonymiser) for e in DemoStream(options, domain)]


def module_figures(events: list, peildatum: date = date(2030, 1, 1)) -> dict:
    """The doorlooptijd cells the reporting publishes on ``peildatum`` (by default after every
    event: the live figures), from the summed dated contributions of every zaak."""
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
    cells: dict = defaultdict(dict)
    for (cell, field), count in totals.items():
        kpi, *cell_id = cell.split("|")
        if kpi == "doorlooptijd":
            cells[tuple(cell_id)][field] = str(count)
    figures = {cell: doorlooptijd_figures(fields, peildatum) for cell, fields in cells.items()}
    return {cell: f for cell, f in figures.items() if f["n"]}


def test_doorlooptijd_agrees_with_the_independent_reference():
    events = stored_demo_events()
    reference = doorlooptijd(e.to_dict() for e in events)
    assert (
        sum(f["n"] for (_, w, p), f in reference.items() if w == "gemeente" and p == "2025") > 2000
    )
    # On the demo's today every besluit is known: the figures are the live ones, unchanged.
    assert module_figures(events, DEMO_TODAY) == reference


SOURCE = "urn:nld:oin:00000001002220647000:systeem:test"


@st.composite
def zaak_history(draw: st.DrawFn) -> list:
    """One zaak with random opschortingen, hervattingen, verdagingen and a besluit."""
    wet = draw(st.sampled_from(["wmo", "jeugdwet", "participatiewet", "wgs"]))
    start = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 3 * 365)))
    offsets = st.one_of(st.integers(-5, 120), st.integers(54, 60))  # near the due date too
    facts = [("zaak.aangemeld", start, {"wet": wet, "soort": "aanvraag", "wijk": "Warande"})]
    if wet == "wgs" and draw(st.booleans()):
        facts.append(("zaak.eerste-contact", start + timedelta(days=draw(st.integers(0, 40))), {}))
    for kind in draw(st.lists(st.sampled_from(["zaak.opgeschort", "zaak.hervat"]), max_size=6)):
        facts.append((kind, start + timedelta(days=draw(offsets)), {}))
    for _ in range(draw(st.integers(0, 2))):
        facts.append(("zaak.verdaagd", start + timedelta(days=draw(offsets)),
                      {"dagen": draw(st.integers(1, 42))}))  # fmt: skip
    uitkomst = draw(st.sampled_from(["toegekend", "afgewezen", "buiten-behandeling"]))
    facts.append(("zaak.besloten", start + timedelta(days=draw(st.integers(0, 150))),
                  {"uitkomst": uitkomst}))  # fmt: skip
    return [
        new_event(kind, {"zaak_id": "Z-1", "datum": day.isoformat(), **data}, source=SOURCE,
                  time=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=i))
        for i, (kind, day, data) in enumerate(facts)
    ]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(zaak_history())
def test_random_histories_agree_with_the_independent_reference(events):
    assert module_figures(events) == doorlooptijd(e.to_dict() for e in events)
