"""Which alerts a clock gives by a date (BRIEF §2 Alerts): worked examples and properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.core.alerts import AlertKind, AlertState, alert_id, due_alerts, evaluate
from shared.core.domain import AtwCalendar, Fact, ZaakHistory, compute_clock
from shared.core.domain_config import load_domain_config
from shared.platform.settings import DEFAULT_DOMAIN_CONFIG

CONFIG = load_domain_config(DEFAULT_DOMAIN_CONFIG)
CLOCKS = {c.id: c for c in CONFIG.clocks}
CAL = AtwCalendar(CONFIG.gelijkgestelde_dagen)
for _year in range(2019, 2032):  # build the cached years now, not inside a timed example
    CAL.feestdagen(_year)
T0 = datetime(2026, 1, 1, tzinfo=UTC)
W, OVER, L = AlertKind.WAARSCHUWING, AlertKind.TERMIJN_OVERSCHREDEN, AlertKind.OPGELOST_NA_TERMIJN
MELDING = date(2026, 1, 5)  # wmo-besluit: due 2026-03-02 (Mon), warning day 2026-02-16
DUE, WARN = date(2026, 3, 2), date(2026, 2, 16)
ONE = timedelta(days=1)


def fact(event_type: str, datum: date, n: int, **attrs: object) -> Fact:
    return Fact(event_type, "urn:p", f"e{n}", T0 + timedelta(minutes=n), datum, **attrs)


def zaak(*besluit: tuple[date, str]) -> ZaakHistory:
    facts = [fact("zaak.aangemeld", MELDING, 0, wet="wmo", soort="melding", wijk="Warande")]
    facts += [fact("zaak.besloten", d, 1 + i, uitkomst=u) for i, (d, u) in enumerate(besluit)]
    return ZaakHistory.of(facts)


def kinds(history: ZaakHistory, now: date, first_seen: date = MELDING) -> dict[AlertKind, date]:
    result = compute_clock(CLOCKS["wmo-besluit"], history, CAL, now)
    assert result is not None
    alerts = due_alerts(result, zaak_id="Z", wijk="Warande", first_seen=first_seen, now=now)
    return {a.kind: a.datum for a in alerts}


def test_the_worked_example_dates():
    result = compute_clock(CLOCKS["wmo-besluit"], zaak(), CAL)
    assert result is not None and (result.due, result.warning_on) == (DUE, WARN)


@pytest.mark.parametrize(
    ("besluit", "now", "expected"),
    [
        (None, WARN - ONE, {}),
        (None, WARN, {W: WARN}),
        (None, DUE, {W: WARN}),
        (None, DUE + ONE, {W: WARN, OVER: DUE + ONE}),
        # The stop was there before the warning day began: nothing, ever.
        (WARN - ONE, date(2027, 1, 1), {}),
        # A stop dated on the warning day came during it: the waarschuwing had been given.
        (WARN, date(2027, 1, 1), {W: WARN}),
        (DUE, date(2027, 1, 1), {W: WARN}),
        # One day late: the term passed without the stop, then the stop came.
        (DUE + ONE, date(2027, 1, 1), {W: WARN, OVER: DUE + ONE, L: DUE + ONE}),
        (DUE + 9 * ONE, DUE + 9 * ONE, {W: WARN, OVER: DUE + ONE, L: DUE + 9 * ONE}),
        # A besluit dated after the peildatum does not count yet.
        (DUE + 9 * ONE, DUE + 8 * ONE, {W: WARN, OVER: DUE + ONE}),
    ],
)
def test_which_alerts_exist_on_a_date(besluit, now, expected):
    history = zaak((besluit, "toegekend")) if besluit else zaak()
    assert kinds(history, now) == expected


def test_an_ingetrokken_besluit_after_the_term_still_resolves_it():
    assert kinds(zaak((DUE + 3 * ONE, "ingetrokken")), DUE + 3 * ONE) == {
        W: WARN,
        OVER: DUE + ONE,
        L: DUE + 3 * ONE,
    }


def test_a_clock_without_warning_days_gives_no_waarschuwing():
    history = ZaakHistory.of(
        [
            *zaak().facts,
            fact("zaak.aanvraag-ontvangen", date(2026, 2, 2), 5),  # wmo-aanvraag: 2 weeks, none
        ]
    )
    result = compute_clock(CLOCKS["wmo-aanvraag"], history, CAL, date(2026, 3, 1))
    assert result is not None
    found = due_alerts(result, zaak_id="Z", wijk="x", first_seen=MELDING, now=date(2026, 3, 1))
    assert [a.kind for a in found] == [OVER]


@pytest.mark.parametrize(
    ("first_seen", "historisch"), [(DUE, False), (DUE + ONE, True), (MELDING, False)]
)
def test_historisch_when_the_due_date_had_passed_before_the_zaak_was_first_seen(
    first_seen, historisch
):
    result = compute_clock(CLOCKS["wmo-besluit"], zaak(), CAL, DUE + 5 * ONE)
    assert result is not None
    found = due_alerts(result, zaak_id="Z", wijk="x", first_seen=first_seen, now=DUE + 5 * ONE)
    assert [a.historisch for a in found] == [historisch, historisch]


def test_evaluate_leaves_out_given_alerts_and_names_the_next_date():
    history = zaak()

    def look(now: date, emitted: frozenset[str]) -> tuple[list[tuple[str, AlertKind]], date | None]:
        found = evaluate(
            history, CONFIG.clocks, CAL, zaak_id="Z", first_seen=MELDING, now=now, emitted=emitted
        )
        emitted_now.update(a.alert_id for a in found.new)
        return [(a.clock_id, a.kind) for a in found.new], found.next_check

    emitted_now: set[str] = set()
    # wmo-onderzoek: due 16 feb, warning 9 feb; wmo-besluit: due 2 mar, warning 16 feb.
    assert look(WARN, frozenset()) == (
        [("wmo-onderzoek", W), ("wmo-besluit", W)],
        WARN + ONE,
    )
    assert look(DUE, frozenset(emitted_now)) == ([("wmo-onderzoek", OVER)], DUE + ONE)
    assert look(DUE, frozenset(emitted_now)) == ([], DUE + ONE)
    assert look(DUE + ONE, frozenset(emitted_now)) == ([("wmo-besluit", OVER)], None)


def test_a_fact_dated_later_is_a_next_date():
    history = zaak((DUE - 5 * ONE, "toegekend"))
    now = WARN - 3 * ONE
    found = evaluate(
        history, [CLOCKS["wmo-besluit"]], CAL, zaak_id="Z", first_seen=MELDING, now=now
    )
    assert found.new == () and found.next_check == WARN  # the warning comes before the besluit


def test_alert_data_is_a_valid_alert_event():
    from shared.contract.events import new_event

    result = compute_clock(CLOCKS["wmo-besluit"], zaak(), CAL, DUE + ONE)
    assert result is not None
    for alert in due_alerts(
        result, zaak_id="Z-1", wijk="Warande", first_seen=MELDING, now=DUE + ONE
    ):
        event = new_event(alert.event_type, alert.data(), source="urn:x:y", event_id=alert.alert_id)
        assert event.id == alert.alert_id and event.record_key() == "Z-1"
        assert event.type == f"nl.helmond.sociaaldomein.alert.{alert.kind.value}"


def test_alert_ids_are_pinned():
    # The namespace is part of the contract: a receiver deduplicates on these ids.
    assert alert_id("Z-1", "wmo-besluit", W) == "daefa523-a165-57e3-be63-55ba258d74d1"
    ids = {alert_id(z, c, k) for z in ("Z-1", "Z-2") for c in ("a", "b") for k in AlertKind}
    assert len(ids) == 12


def test_alert_state_round_trips():
    state = AlertState(MELDING, frozenset({"b", "a"}), DUE).seen_on(MELDING - ONE)
    assert AlertState.from_dict(state.to_dict()) == state
    assert state.first_seen == MELDING - ONE and state.seen_on(DUE) is state


# --- properties -------------------------------------------------------------------------

starts = st.dates(min_value=date(2020, 1, 1), max_value=date(2029, 6, 30))
offsets = st.integers(min_value=0, max_value=120)


@st.composite
def zaken(draw: st.DrawFn) -> tuple[ZaakHistory, date]:
    start = draw(starts)
    facts = [fact("zaak.aangemeld", start, 0, wet="wmo", soort="melding", wijk="Warande")]
    if draw(st.booleans()):
        facts.append(fact("zaak.onderzoek-afgerond", start + timedelta(days=draw(offsets)), 1))
    if draw(st.booleans()):
        op = start + timedelta(days=draw(offsets))
        facts.append(fact("zaak.opgeschort", op, 2))
        if draw(st.booleans()):
            facts.append(fact("zaak.hervat", op + timedelta(days=draw(offsets)), 3))
    if draw(st.booleans()):
        uitkomst = draw(st.sampled_from(["toegekend", "afgewezen", "ingetrokken"]))
        facts.append(
            fact("zaak.besloten", start + timedelta(days=draw(offsets)), 4, uitkomst=uitkomst)
        )
    return ZaakHistory.of(facts), start


@given(zaken(), st.integers(0, 200), st.integers(0, 200))
def test_one_alert_per_zaak_clock_and_kind_with_its_stable_id(zaak_and_start, now_in, seen_in):
    history, start = zaak_and_start
    now, first_seen = start + timedelta(days=now_in), start + timedelta(days=seen_in)
    found = evaluate(history, CONFIG.clocks, CAL, zaak_id="Z-9", first_seen=first_seen, now=now)
    keys = [(a.clock_id, a.kind) for a in found.new]
    assert len(keys) == len(set(keys))
    for alert in found.new:
        assert alert.alert_id == alert_id("Z-9", alert.clock_id, alert.kind)
        assert alert.datum <= now
        assert alert.historisch == (alert.due < first_seen)


@given(zaken(), st.integers(0, 200), st.integers(1, 60))
def test_day_by_day_gives_each_alert_once_and_the_same_set_as_one_look(zaak_and_start, span, step):
    """A worker that looks every ``step`` days and one that looks once at the end agree."""
    history, start = zaak_and_start
    end = start + timedelta(days=span)
    emitted: frozenset[str] = frozenset()
    given_ids: list[str] = []
    day = start
    while True:
        found = evaluate(
            history, CONFIG.clocks, CAL, zaak_id="Z", first_seen=start, now=day, emitted=emitted
        )
        given_ids += [a.alert_id for a in found.new]
        emitted |= {a.alert_id for a in found.new}
        if day >= end:
            break
        day = min(end, day + timedelta(days=step))
    once = evaluate(history, CONFIG.clocks, CAL, zaak_id="Z", first_seen=start, now=end)
    assert len(given_ids) == len(set(given_ids))
    assert set(given_ids) == {a.alert_id for a in once.new}
