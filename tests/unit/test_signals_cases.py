"""Household cases (docs/domain.md#vroegsignalering): matching window, late signals,
meervoudig/crisis, priority."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from services.signals.rules.cases import (
    CaseSignal,
    CaseSpan,
    Join,
    Open,
    add_months,
    assign,
    new_case_id,
    summarise,
)
from services.signals.rules.priority import Ranked, per_wijk, werklijst_order
from shared.core.ddas import Signaalpartner as P

W = 3


def group(dates: list[date]) -> list[CaseSpan]:
    """Feed signals through ``assign`` in the given order; return the cases it keeps."""
    cases: list[CaseSpan] = []
    for i, datum in enumerate(dates):
        found = assign(cases, datum, W)
        if isinstance(found, Open):
            cases.append(CaseSpan(f"c{i}", found.start))
        else:
            cases = [CaseSpan(c.id, found.start) if c.id == found.case_id else c for c in cases]
    return sorted(cases, key=lambda c: c.start)


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_a_signal_within_the_window_joins_and_one_after_it_opens_a_new_case() -> None:
    case = CaseSpan("a", date(2026, 1, 10))
    assert assign([case], date(2026, 4, 9), W) == Join("a", date(2026, 1, 10))
    assert assign([case], date(2026, 4, 10), W) == Open(date(2026, 4, 10))
    assert case.einde(W) == date(2026, 4, 9)


def test_a_late_earlier_signal_re_anchors_the_case_it_would_have_opened() -> None:
    case = CaseSpan("a", date(2026, 3, 1))
    assert assign([case], date(2026, 1, 15), W) == Join("a", date(2026, 1, 15))
    assert assign([case], date(2025, 11, 30), W) == Open(date(2025, 11, 30))


@given(st.lists(st.integers(0, 400), min_size=1, max_size=12))
def test_in_date_order_grouping_is_the_brief_s_rule(offsets: list[int]) -> None:
    dates = sorted(date(2025, 1, 1) + timedelta(days=o) for o in offsets)
    starts, start = [], None
    for d in dates:
        if start is None or d >= add_months(start, W):
            start = d
            starts.append(d)
    assert [c.start for c in group(dates)] == starts


@given(st.permutations([0, 20, 45, 80]))
def test_signals_within_one_window_form_one_case_in_any_arrival_order(order: list[int]) -> None:
    dates = [date(2026, 1, 1) + timedelta(days=o) for o in order]
    assert [c.start for c in group(dates)] == [date(2026, 1, 1)]


def test_case_ids_are_stable_per_opening_signal() -> None:
    assert new_case_id("hh-v1-x", "huur|1") == new_case_id("hh-v1-x", "huur|1")
    assert new_case_id("hh-v1-x", "huur|1") != new_case_id("hh-v1-x", "huur|2")


def signal(partner: P, bedrag: float = 100.0, crisis: bool = False, day: int = 1) -> CaseSignal:
    return CaseSignal(partner, date(2026, 1, day), bedrag, crisis)


def test_two_signaalpartners_make_meervoudig_and_a_crisissignaal_a_crisis() -> None:
    one = summarise([signal(P.HUUR), signal(P.HUUR, day=5)])
    assert (one.meervoudig, one.crisis, one.signalen) == (False, False, 2)
    two = summarise([signal(P.HUUR), signal(P.ENERGIE, 50, crisis=True, day=3)])
    assert (two.meervoudig, two.crisis, two.bedrag, two.eerste_signaal) == (
        True, True, 150.0, date(2026, 1, 1),
    )  # fmt: skip


def test_werklijst_order_is_crisis_meervoudig_bedrag_age() -> None:
    def ranked(case_id: str, wijk: str, *signals: CaseSignal) -> Ranked:
        return Ranked(case_id, wijk, summarise(list(signals)))

    items = [
        ranked("old-small", "Stiphout", signal(P.HUUR, 10, day=1)),
        ranked("new-small", "Stiphout", signal(P.HUUR, 10, day=9)),
        ranked("big", "Stiphout", signal(P.HUUR, 900)),
        ranked("meervoudig", "Warande", signal(P.HUUR, 5), signal(P.WATER, 5)),
        ranked("crisis", "Stiphout", signal(P.ENERGIE, 1, crisis=True)),
    ]
    order = [r.case_id for r in werklijst_order(reversed(items))]
    assert order == ["crisis", "meervoudig", "big", "old-small", "new-small"]
    assert [r.case_id for r in per_wijk(items)["Stiphout"]] == [
        "crisis", "big", "old-small", "new-small",
    ]  # fmt: skip
