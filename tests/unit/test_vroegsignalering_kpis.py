"""bereik-vroegsignalering and vroegsignalen: summed vroegsignaalzaak contributions, read by the
reporting functions for a peildatum, equal the independent reference on the raw events, for
any arrival order and with redeliveries."""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference.vroegsignalering import bereik_vroegsignalering, vroegsignalen

from demo.vroegsignaal_output import catalog_events
from demo.vroegsignalen import VroegsignaalOptions, plan_vroegsignalering
from services.kpi.vroegsignalen.processor import table_key
from services.reporting.kpis import AVAILABLE
from shared.contract.events import CloudEvent, new_event
from shared.contract.events.catalog import TYPE_PREFIX
from shared.core.kpi import vroegsignalering as kpi
from shared.core.kpi.suppression import suppress_cell
from shared.core.kpi.vroegsignalering import VroegsignaalzaakHistory, vroegsignaalzaak_contribution
from shared.platform.settings import get_domain_config

REFERENCES = {"bereik-vroegsignalering": bereik_vroegsignalering, "vroegsignalen": vroegsignalen}


def histories(events: list[CloudEvent]) -> dict[str, VroegsignaalzaakHistory]:
    """What the worker's table holds after these records (via its JSON form, as stored)."""
    table: dict[str, dict[str, Any]] = {}
    for event in events:
        data = event.data.model_dump(mode="python")
        key = table_key(data["huishouden"], data["vroegsignaalzaak_id"])
        history = VroegsignaalzaakHistory.from_dict(table.get(key))
        kind = event.type.removeprefix(TYPE_PREFIX)
        table[key] = history.add(kind, event.source, event.id, event.time, data).to_dict()
    return {key: VroegsignaalzaakHistory.from_dict(raw) for key, raw in table.items()}


def module_figures(events: list[CloudEvent], peildatum: date) -> dict[str, dict]:
    totals: Counter[tuple[str, str]] = Counter()
    for history in histories(events).values():
        totals.update(vroegsignaalzaak_contribution(history))
    cells: dict[str, dict] = defaultdict(lambda: defaultdict(dict))
    for (cell, field), count in totals.items():
        name, wet, wijk, periode = cell.split("|")
        if count:
            cells[name][wet, wijk, periode][field] = str(count)
    figures: dict[str, dict] = {}
    for name in REFERENCES:
        definition = AVAILABLE[name]
        published = {c: definition.figures(f, peildatum) for c, f in cells[name].items()}
        figures[name] = {c: f for c, f in published.items() if f[definition.basis]}
    return figures


def messy(events: list[CloudEvent], seed: int) -> list[CloudEvent]:
    """Redeliveries and any arrival order, as Kafka consumers see them after retries."""
    rng = random.Random(seed)
    delivered = events + rng.sample(events, len(events) // 20)
    rng.shuffle(delivered)
    return delivered


@cache
def demo_events() -> list[CloudEvent]:
    options = VroegsignaalOptions(start=date(2025, 1, 1), months=8, today=date(2025, 8, 20))
    return catalog_events(plan_vroegsignalering(options, get_domain_config()))


PEILDATA = [date(2025, 1, 31), date(2025, 3, 14), date(2025, 6, 30), date(2025, 8, 20)]


@pytest.mark.parametrize("peildatum", PEILDATA)
def test_a_demo_stream_agrees_with_the_reference_whatever_the_order(peildatum):
    events = messy(demo_events(), seed=peildatum.toordinal())
    raw = [e.to_dict() for e in events]
    figures = module_figures(events, peildatum)
    for name, reference in REFERENCES.items():
        assert figures[name] == reference(raw, peildatum), name


def test_the_demo_looks_like_helmond():
    """~4 signals per 1,000 inhabitants a month, the DDAS mix, one in three reached accepting."""
    raw = [e.to_dict() for e in demo_events()]
    signals = vroegsignalen(raw, date(2025, 8, 20))
    half = signals[("wgs", "gemeente", "2025-H1")]
    assert 300 * 6 < half["n"] < 440 * 6
    zorg = half["n_zorg"] + half["n_cak_zorgverzekeringen"]
    assert 0.36 < zorg / half["n"] < 0.46
    for partner, share in (("huur", 0.2), ("energie", 0.2), ("water", 0.18)):
        assert abs(half[f"n_{partner}"] / half["n"] - share) < 0.04, partner
    bereik = bereik_vroegsignalering(raw, date(2025, 8, 20))[("wgs", "gemeente", "2025-H1")]
    assert 0.25 < bereik["n_geaccepteerd"] / bereik["n_bereikt"] < 0.42
    assert bereik["n_meervoudig"] > 0 and bereik["n_crisis"] > 0
    assert bereik["n_contact"] < bereik["zaken"] and bereik["median_dagen_tot_contact"] > 0
    kinds = Counter(e["type"] for e in raw)
    assert len(raw) - len({(e["source"], e["id"]) for e in raw}) == 0
    assert kinds[TYPE_PREFIX + "vroegsignaal.resultaat"] > 0


MUTATIONS = {
    # the correction rule: the last event to arrive wins instead of the latest time
    "arrival order corrects": (kpi.Version, "newer_than", lambda self, other: True),
    # "hulp geaccepteerd" also counting the quick fixes
    "quick fix accepted": (
        kpi,
        "HULP_GEACCEPTEERD",
        kpi.HULP_GEACCEPTEERD | {"budget-advies-en-of-quick-fix"},
    ),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_a_broken_rule_is_caught_by_the_reference(mutation, monkeypatch):
    target, name, value = MUTATIONS[mutation]
    monkeypatch.setattr(target, name, value)
    events = messy(demo_events(), seed=3)
    raw = [e.to_dict() for e in events]
    figures = module_figures(events, date(2025, 8, 20))
    assert figures["bereik-vroegsignalering"] != bereik_vroegsignalering(raw, date(2025, 8, 20))


# --- generated small cases: ties, corrections, facts dated around the peildatum -----------

SOURCES = (
    "urn:nld:oin:00000001002220647000:systeem:a",
    "urn:nld:oin:00000001002220647000:systeem:b",
)
T0 = datetime(2026, 1, 1, tzinfo=UTC)
START = date(2026, 1, 20)


@st.composite
def streams(draw: st.DrawFn) -> tuple[list[CloudEvent], date]:
    made: list[CloudEvent] = []

    def event(kind: str, day: int, data: dict[str, Any]) -> None:
        made.append(new_event(
            kind, {"datum": (START + timedelta(days=day)).isoformat(), **data},
            source=draw(st.sampled_from(SOURCES)),
            event_id=str(uuid.UUID(int=draw(st.integers(0, 9)) * 1000 + len(made))),
            time=T0 + timedelta(minutes=draw(st.integers(0, 3)))))  # fmt: skip

    for case in range(draw(st.integers(1, 3))):
        base = {"huishouden": f"hh-{draw(st.integers(0, 1))}", "vroegsignaalzaak_id": f"V{case}"}
        days = st.integers(-20, 60)
        for _ in range(draw(st.integers(0, 3))):
            event("vroegsignaal.ontvangen", draw(days), {
                **base, "signaal_id": f"S{draw(st.integers(0, 2))}", "bedrag": 100,
                "signaalpartner": draw(st.sampled_from(["huur", "zorg", "energie"])),
                "crisis": draw(st.booleans()),
                "wijk": draw(st.sampled_from(["Warande", "Stiphout", "onbekend"]))})  # fmt: skip
        for _ in range(draw(st.integers(0, 3))):
            event("vroegsignaal.contactpoging", draw(days), {
                **base, "soort": "brief", "bereikt": draw(st.booleans())})  # fmt: skip
        for _ in range(draw(st.integers(0, 2))):
            event("vroegsignaal.resultaat", draw(days), {**base, "resultaat": draw(
                st.sampled_from(["vervolghulp-en-of-verwijzing-financieel",
                                 "definitief-geen-contact-kunnen-krijgen"]))})  # fmt: skip
    redelivered = made + draw(st.lists(st.sampled_from(made), max_size=3)) if made else made
    order = draw(st.permutations(redelivered))
    peildatum = START + timedelta(days=draw(st.integers(-25, 65)))
    return list(order), draw(st.sampled_from([peildatum, date(2027, 1, 1)]))


@settings(max_examples=400, deadline=None)
@given(streams())
def test_generated_streams_agree_with_the_reference_on_a_random_peildatum(case):
    events, peildatum = case
    raw = [e.to_dict() for e in events]
    figures = module_figures(events, peildatum)
    for name, reference in REFERENCES.items():
        assert figures[name] == reference(raw, peildatum), name


def test_the_median_is_withheld_over_fewer_than_five_contacts():
    cell = {"zaken": 9, "n_contact": 3, "median_dagen_tot_contact": 4, "contact_pct": 33.3}
    definition = AVAILABLE["bereik-vroegsignalering"]
    out = suppress_cell(cell, set(definition.counts), definition.basis, 5,
                        definition.statistic_bases)  # fmt: skip
    assert out == {"zaken": 9, "n_contact": "<5", "median_dagen_tot_contact": None,
                   "contact_pct": 33.3}  # fmt: skip


def test_history_survives_its_table_form_and_ignores_redelivery():
    events = demo_events()[:200]
    once = histories(events)
    assert histories(events + events[:50]) == once
    for history in once.values():
        assert VroegsignaalzaakHistory.from_dict(history.to_dict()) == history
