"""A zaak's contribution computed from the kept one (its states per day) equals a fresh one.

shared/core/kpi/contribution.py keeps, per zaak, the facts, the contribution and the state on
every day of its last computation, and evaluates again only the days whose known facts
changed. Here random zaken get their facts one at a time, in any order, with corrections
and redeliveries, and every answer is compared with a computation that kept nothing,
including the order of the increments.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.core.domain import AtwCalendar, Fact, ZaakHistory
from shared.core.domain_config import Wet
from shared.core.kpi import contribution as module
from shared.core.kpi.contribution import zaak_contribution
from shared.core.kpi.dated import KeptStates, dated_contribution
from shared.core.kpi.registry import ZAAK_KPIS
from shared.platform.settings import get_domain_config

DOMAIN = get_domain_config()
CALENDAR = AtwCalendar(DOMAIN.gelijkgestelde_dagen)
T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)
D0 = date(2026, 3, 2)

_TYPES = (
    "zaak.aangemeld", "zaak.aanvraag-ontvangen", "zaak.onderzoek-afgerond",
    "zaak.eerste-contact", "zaak.besloten", "zaak.afgesloten", "zaak.opgeschort",
    "zaak.hervat", "zaak.verdaagd", "zorg.toegewezen", "zorg.gestart",
)  # fmt: skip


@st.composite
def facts(draw: st.DrawFn) -> list[Fact]:
    """Facts of one zaak: ids drawn from a small pool (a reused id is a redelivery or a
    sender's clash), types repeated (a correction of a single-valued type)."""
    out = []
    for n in range(draw(st.integers(min_value=1, max_value=9))):
        kind = draw(st.sampled_from(_TYPES))
        ident = draw(st.integers(min_value=0, max_value=12))
        datum = D0 + timedelta(days=draw(st.integers(min_value=0, max_value=80)))
        time = T0 + timedelta(hours=draw(st.integers(min_value=0, max_value=20)))
        attrs: dict[str, object] = {}
        if kind == "zaak.aangemeld":
            attrs = {
                "wet": draw(st.sampled_from(list(Wet))),
                "wijk": draw(st.sampled_from(["Warande", "Brouwhuis", None])),
                "crisis": draw(st.sampled_from([True, False, None])),
                "soort": "aanvraag",
                "huishouden": draw(st.sampled_from(["hh-1", "hh-2", None])),
            }
        elif kind == "zaak.besloten":
            attrs = {"uitkomst": draw(st.sampled_from(["toegekend", "afgewezen", "ingetrokken"]))}
        elif kind == "zaak.afgesloten":
            attrs = {"verwezen": draw(st.sampled_from([True, False, None]))}
        elif kind == "zaak.verdaagd":
            attrs = {"dagen": draw(st.integers(min_value=0, max_value=60))}
        out.append(Fact(kind, "urn:test", f"e{ident}-{n}", time, datum, **attrs))  # type: ignore[arg-type]
    return out


def fresh(history: ZaakHistory, zaak_id: str) -> dict[tuple[str, str], int]:
    """The contribution with nothing kept; the zaak's kept entry is left as it was."""
    entry = module._kept.pop(zaak_id, None)
    try:
        return dict(zaak_contribution(history, DOMAIN, CALENDAR, zaak_id=zaak_id))
    finally:
        module._kept.pop(zaak_id, None)
        if entry is not None:
            module._kept[zaak_id] = entry


@settings(max_examples=150, deadline=None)
@given(facts(), st.randoms(use_true_random=False))
def test_kept_contribution_equals_a_fresh_one_after_every_fact(
    given_facts: list[Fact], rnd: Random
) -> None:
    zaak_id = "Z-kept"
    module._kept.pop(zaak_id, None)
    rnd.shuffle(given_facts)
    history = ZaakHistory()
    for fact in given_facts:
        history = history.add(fact)
        kept = zaak_contribution(history, DOMAIN, CALENDAR, zaak_id=zaak_id)
        assert list(kept.items()) == list(fresh(history, zaak_id).items())
        # the same facts again (the contribution before the next record): the kept answer
        again = zaak_contribution(ZaakHistory(history.facts), DOMAIN, CALENDAR, zaak_id=zaak_id)
        assert list(again.items()) == list(kept.items()) and again is not kept


def test_a_fact_dated_before_the_others_changes_the_later_days_too() -> None:
    zaak_id = "Z-early"
    module._kept.pop(zaak_id, None)
    aangemeld = Fact("zaak.aangemeld", "urn:t", "a", T0, D0, wet=Wet.WMO, wijk="Warande")
    besloten = Fact(
        "zaak.besloten", "urn:t", "b", T0, D0 + timedelta(days=40), uitkomst="toegekend"
    )
    gestart = Fact("zorg.gestart", "urn:t", "c", T0, D0 + timedelta(days=50))
    history = ZaakHistory.of([aangemeld, gestart])
    zaak_contribution(history, DOMAIN, CALENDAR, zaak_id=zaak_id)
    history = history.add(besloten)  # between the two: the wachttijd day changes
    kept = zaak_contribution(history, DOMAIN, CALENDAR, zaak_id=zaak_id)
    assert list(kept.items()) == list(fresh(history, zaak_id).items())
    assert any(cell.startswith("wachttijd|") for cell, _ in kept)


def test_another_zaak_id_domain_or_kpi_list_keeps_nothing_across() -> None:
    aangemeld = Fact("zaak.aangemeld", "urn:t", "a", T0, D0, wet=Wet.STH, wijk="Warande")
    history = ZaakHistory.of([aangemeld])
    first = zaak_contribution(history, DOMAIN, CALENDAR, zaak_id="Z-a")
    other = zaak_contribution(history, DOMAIN, CALENDAR, zaak_id="Z-a", kpis=ZAAK_KPIS[:1])
    assert other != first  # a kept answer for the whole registry is not the first KPI's
    calendar = AtwCalendar([])
    assert zaak_contribution(history, DOMAIN, calendar, zaak_id="Z-a") == fresh(history, "Z-a")


def test_the_kept_zaken_are_bounded() -> None:
    aangemeld = Fact("zaak.aangemeld", "urn:t", "a", T0, D0, wet=Wet.WMO, wijk="Warande")
    history = ZaakHistory.of([aangemeld])
    for n in range(module.KEPT_ZAKEN + 10):
        zaak_contribution(history, DOMAIN, CALENDAR, zaak_id=f"Z-bound-{n}")
    assert len(module._kept) == module.KEPT_ZAKEN
    assert f"Z-bound-{module.KEPT_ZAKEN + 9}" in module._kept
    assert "Z-bound-0" not in module._kept


def test_only_the_days_from_the_first_changed_one_are_evaluated_again() -> None:
    asked: list[date] = []

    def state(known: ZaakHistory, day: date) -> dict[tuple[str, str], int]:
        asked.append(day)
        return {("cell", "n"): len(known.facts)}

    days = [D0 + timedelta(days=n) for n in (0, 10, 20, 30)]
    facts = [Fact("zorg.gestart", "urn:t", f"g{n}", T0, day) for n, day in enumerate(days)]
    kept: KeptStates = {}
    whole = dated_contribution(ZaakHistory.of(facts[:3]), state, (), kept)
    assert asked == days[:3]
    asked.clear()
    added = dated_contribution(ZaakHistory.of(facts), state, (), kept)
    assert asked == days[3:]  # the three earlier days kept
    assert added == {**whole, ("cell", f"n@{days[3]:%Y%m%d}"): 1}
    asked.clear()
    early = Fact("zorg.gestart", "urn:t", "early", T0, days[1] + timedelta(days=1))
    moved = dated_contribution(ZaakHistory.of([*facts, early]), state, (), kept)
    assert asked == [early.datum, days[2], days[3]]  # from the new fact's day on
    assert moved == dated_contribution(ZaakHistory.of([*facts, early]), state)
