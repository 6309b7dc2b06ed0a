"""doorlooptijd and tijdig beslist on any peildatum: the summed dated zaak contributions, read
by the reporting for a peildatum, equal ``reference.figures.doorlooptijd_at`` (docs/domain.md#kpis
Peildatum: the latest version of the besluit first, then its datum against the peildatum) for
every periode, the one running on the peildatum included."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st
from reference.figures import doorlooptijd, doorlooptijd_at
from test_reference_kpis import DEMO_PEILDATA, demo, module_figures, summed_counters

from shared.contract.events import new_event
from shared.core.kpi.periods import periode_bounds

KPI = "doorlooptijd"
SOURCE = "urn:nld:oin:00000001002220647000:systeem:test"
T0 = datetime(2025, 1, 1, tzinfo=UTC)
Cell = tuple[str, str, str]


def running(cells: dict[Cell, Any], peildatum: date) -> list[Cell]:
    """The cells of a periode that had begun but not ended on the peildatum."""
    return [c for c in cells if periode_bounds(c[2])[0] <= peildatum < periode_bounds(c[2])[1]]


def test_a_demo_year_agrees_on_every_peildatum_running_periodes_included() -> None:
    raw, counters = demo()
    running_cells = 0
    for peildatum in DEMO_PEILDATA:
        expected = doorlooptijd_at(raw, peildatum)
        assert module_figures(counters, KPI, peildatum) == expected, peildatum
        running_cells += len(running(expected, peildatum))
    assert running_cells > 50  # the periodes running on those peildata were answered


def test_on_today_the_figures_are_the_live_ones() -> None:
    raw, counters = demo()
    today = date(2026, 2, 1)  # the demo's today: no event is dated after it
    assert module_figures(counters, KPI, today) == doorlooptijd(raw)


@st.composite
def zaak_facts(draw: st.DrawFn, zaak_id: str) -> list[tuple[str, date, dict[str, Any]]]:
    """One zaak: its aanmelding, besluit and eerste contact possibly corrected (to a later or an
    earlier date, a later or an earlier CloudEvents time), opschortingen, hervattingen and
    verdagingen, with dates spread over periode boundaries."""
    wet = draw(st.sampled_from(["wmo", "jeugdwet", "participatiewet", "wgs", "wgs", "sth"]))
    start = date(2025, 11, 1) + timedelta(days=draw(st.integers(0, 150)))
    offsets = st.one_of(st.integers(-5, 120), st.integers(54, 62))  # near the due date too

    def day() -> date:
        return start + timedelta(days=draw(offsets))

    facts: list[tuple[str, date, dict[str, Any]]] = []
    for _ in range(draw(st.integers(0, 2))):  # none: not arrived yet; two: a correction
        wijk = draw(st.sampled_from(["Warande", "Stiphout", "onbekend"]))
        when = start + timedelta(days=draw(st.integers(-3, 3)))
        facts.append(("zaak.aangemeld", when, {"wet": wet, "soort": "aanvraag", "wijk": wijk}))
    if wet == "wgs":
        for _ in range(draw(st.integers(0, 2))):
            facts.append(("zaak.eerste-contact", start + timedelta(draw(st.integers(0, 40))), {}))
    for kind in draw(st.lists(st.sampled_from(["zaak.opgeschort", "zaak.hervat"]), max_size=4)):
        facts.append((kind, day(), {}))
    for _ in range(draw(st.integers(0, 1))):
        facts.append(("zaak.verdaagd", day(), {"dagen": draw(st.integers(1, 42))}))
    uitkomsten = st.sampled_from(["toegekend", "afgewezen", "buiten-behandeling", "ingetrokken"])
    for _ in range(draw(st.integers(0, 3))):
        facts.append(("zaak.besloten", day(), {"uitkomst": draw(uitkomsten)}))
    return [(kind, when, {"zaak_id": zaak_id, **data}) for kind, when, data in facts]


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Any], list[date]]:
    """One to four zaken, their events in a random CloudEvents time order (which version of a
    fact is the correction), and peildata around each besluit date and in between."""
    facts = [f for i in range(draw(st.integers(1, 4))) for f in draw(zaak_facts(f"Z-{i}"))]
    order = draw(st.permutations(range(len(facts))))
    events = [
        new_event(kind, {"datum": when.isoformat(), **data}, source=SOURCE,
                  time=T0 + timedelta(minutes=order[i]))
        for i, (kind, when, data) in enumerate(facts)
    ]  # fmt: skip
    besluiten = [when for kind, when, _ in facts if kind == "zaak.besloten"]
    around = [d + timedelta(days=k) for d in besluiten for k in (-1, 0, 1)]
    days = [when for _, when, _ in facts] or [date(2026, 1, 1)]
    extra = draw(st.lists(st.sampled_from(days), max_size=3))
    return events, sorted({*around, *extra, max(days) + timedelta(days=400)})


@settings(max_examples=400, deadline=None)
@given(histories())
def test_generated_histories_agree_with_the_reference_on_several_peildata(
    case: tuple[list[Any], list[date]],
) -> None:
    events, peildata = case
    counters = summed_counters(events)
    raw = [e.to_dict() for e in events]
    for peildatum in peildata:
        expected = doorlooptijd_at(raw, peildatum)
        assert module_figures(counters, KPI, peildatum) == expected, peildatum
        if running(expected, peildatum):
            event("a running periode answered")
        if corrected_after(raw, peildatum):
            event("a besluit corrected to after the peildatum, an earlier version before it")


def corrected_after(raw: list[dict[str, Any]], peildatum: date) -> bool:
    """Some zaak's current besluit is dated after the peildatum and a version it corrected is
    dated on or before it: neither may count."""
    versions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in raw:
        if e["type"].endswith(".zaak.besloten"):
            versions[e["data"]["zaak_id"]].append(e)
    for found in versions.values():
        current = max(found, key=lambda e: (e["time"], e["id"]))
        dates = [date.fromisoformat(e["data"]["datum"]) for e in found]
        if date.fromisoformat(current["data"]["datum"]) > peildatum >= min(dates):
            return True
    return False
