"""Worked due dates for the clock rules of docs/domain.md#clock-rules, each computed by hand in its
comment.

Weekdays used below: 2026-01-08 Thu, 2026-01-10 Sat, 2026-03-05 Thu, 2026-03-07 Sat,
2026-03-09 Mon. 8 weeks = 56 days; from 8 Jan: 23 days to 31 Jan, 28 to 28 Feb, 5 to 5 Mar.
"""

from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any

import pytest

from shared.core.domain.calendar import AtwCalendar
from shared.core.domain.clock import compute_clock, compute_clocks
from shared.core.domain.clock_result import ClockResult
from shared.core.domain.fact import Fact
from shared.core.domain.history import ZaakHistory
from shared.core.domain_config import Wet, load_domain_config
from shared.platform.settings import DEFAULT_DOMAIN_CONFIG

CONFIG = load_domain_config(DEFAULT_DOMAIN_CONFIG)
CLOCKS = {c.id: c for c in CONFIG.clocks}
CAL = AtwCalendar(CONFIG.gelijkgestelde_dagen)
T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)
_ids = count()
D = date.fromisoformat


def f(
    event_type: str,
    datum: str,
    *,
    minutes: int | None = None,
    id: str | None = None,
    **attrs: Any,
) -> Fact:
    n = next(_ids)
    time = T0 + timedelta(minutes=n if minutes is None else minutes)
    return Fact(event_type, "urn:test", id or f"e{n:05d}", time, D(datum), **attrs)


def aangemeld(datum: str, wet: Wet = Wet.WMO, **attrs: Any) -> Fact:
    return f("zaak.aangemeld", datum, wet=wet, soort="melding", **attrs)


def besloten(datum: str, uitkomst: str = "toegekend", **kw: Any) -> Fact:
    return f("zaak.besloten", datum, uitkomst=uitkomst, **kw)


def op(datum: str) -> Fact:
    return f("zaak.opgeschort", datum)


def hervat(datum: str) -> Fact:
    return f("zaak.hervat", datum)


def verdaagd(datum: str, dagen: int) -> Fact:
    return f("zaak.verdaagd", datum, dagen=dagen)


def clock(clock_id: str, *facts: Fact, peildatum: date | None = None) -> ClockResult:
    result = compute_clock(CLOCKS[clock_id], ZaakHistory.of(facts), CAL, peildatum)
    assert result is not None
    return result


def wmo(*facts: Fact, peildatum: date | None = None) -> ClockResult:
    return clock("wmo-besluit", *facts, peildatum=peildatum)


# --- term and Atw shift -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due", "why"),
    [
        ("2026-01-08", "2026-03-05", "Thu + 56 days = Thu 5 Mar, a werkdag"),
        ("2026-01-10", "2026-03-09", "Sat + 56 = Sat 7 Mar -> Mon 9 Mar"),
        ("2026-03-02", "2026-04-28", "+56 = Mon 27 Apr, Koningsdag -> Tue 28 Apr"),
        ("2026-03-10", "2026-05-06", "+56 = Tue 5 May (no lustrum year) -> Wed 6 May"),
        # 5 May 2027 Wed, Hemelvaart Thu 6th, gelijkgestelde Fri 7th, weekend -> Mon 10th
        ("2027-03-10", "2027-05-10", "+56 = Wed 5 May 2027 -> Mon 10 May"),
        ("2026-02-06", "2026-04-07", "+56 = Goede Vrijdag 3 Apr, weekend, 2e Paasdag -> Tue 7"),
        ("2026-03-19", "2026-05-18", "+56 = Hemelvaart Thu 14 May, Fri 15 gelijkgesteld -> Mon"),
        ("2026-10-30", "2026-12-28", "+56 = Fri 25 Dec; 26 Sat, 27 Sun -> Mon 28 Dec"),
        ("2026-11-06", "2027-01-04", "+56 = Fri 1 Jan 2027, weekend -> Mon 4 Jan"),
        ("2027-10-30", "2027-12-27", "+56 = Sat 25 Dec 2027; 2e Kerstdag is Sun 26 -> Mon 27"),
    ],
)
def test_eight_weeks_then_atw_shift(received: str, due: str, why: str) -> None:
    result = wmo(aangemeld(received))
    assert result.due == D(due), why
    assert result.due_before_shift == D(received) + timedelta(days=56)


def test_atw_shift_explains_itself() -> None:
    result = wmo(aangemeld("2026-02-06"))
    shift = result.steps[-1]
    assert shift.kind == "atw-shift"
    assert shift.reason == (
        "2026-04-03 is Goede vrijdag, 2026-04-04 is zaterdag, 2026-04-05 is zondag, "
        "2026-04-06 is Tweede paasdag: termijn eindigt op 2026-04-07 (Atw art. 1)"
    )


def test_simple_eight_weeks_on_time_with_doorlooptijd() -> None:
    result = wmo(aangemeld("2026-01-08"), besloten("2026-03-05"))
    assert (result.due, result.stopped, result.tijdig, result.doorlooptijd) == (
        D("2026-03-05"),
        D("2026-03-05"),
        True,
        56,
    )
    late = wmo(aangemeld("2026-01-08"), besloten("2026-03-06"))
    assert late.tijdig is False
    assert late.days_over(D("2026-04-01")) == 1


def test_wmo_onderzoek_clock_ignores_opschorting() -> None:
    # 6 weeks from Thu 8 Jan = Thu 19 Feb; only besluit clocks know opschorting.
    result = clock("wmo-onderzoek", aangemeld("2026-01-08"), op("2026-01-20"), hervat("2026-02-01"))
    assert result.due == D("2026-02-19")
    assert result.counted_suspended_days == 0
    assert [s.kind for s in result.steps] == ["term"]


# --- opschorting and verdaging -----------------------------------------------------------


def test_suspension_before_due_moves_it_by_its_days() -> None:
    # 2 Feb .. 16 Feb = 14 days; 5 Mar + 14 = Thu 19 Mar.
    # Besluit 18 Mar is after the original term but within the extended one: on time.
    # doorlooptijd: 8 Jan -> 18 Mar is 69 days, minus 14 suspended = 55.
    result = wmo(
        aangemeld("2026-01-08"), op("2026-02-02"), hervat("2026-02-16"), besloten("2026-03-18")
    )
    assert result.due == D("2026-03-19")
    assert result.tijdig is True
    assert (result.counted_suspended_days, result.doorlooptijd) == (14, 55)


def test_suspension_starting_after_due_moves_nothing() -> None:
    result = wmo(aangemeld("2026-01-08"), op("2026-03-10"), hervat("2026-03-24"))
    assert result.due == D("2026-03-05")
    step = next(s for s in result.steps if s.kind == "opschorting")
    assert not step.counted
    assert step.reason == (
        "opschorting 2026-03-10..2026-03-24 (14 dagen) begon na de termijn (2026-03-05) "
        "en telt niet"
    )


def test_suspension_starting_on_the_atw_shifted_due_counts() -> None:
    # Received Sat 10 Jan: due Sat 7 Mar, shifted Mon 9 Mar. Opschorting from Mon 9 Mar
    # starts on the shifted due: it counts, 7 days: 7 Mar + 7 = Sat 14 Mar -> Mon 16 Mar.
    result = wmo(aangemeld("2026-01-10"), op("2026-03-09"), hervat("2026-03-16"))
    assert (result.due_before_shift, result.due) == (D("2026-03-14"), D("2026-03-16"))
    one_day_later = wmo(aangemeld("2026-01-10"), op("2026-03-10"), hervat("2026-03-17"))
    assert one_day_later.due == D("2026-03-09")


def test_verdaging_extends_by_its_days() -> None:
    # 5 Mar + 28 = Thu 2 Apr (Goede Vrijdag is the 3rd, so no shift).
    assert wmo(aangemeld("2026-01-08"), verdaagd("2026-02-20", 28)).due == D("2026-04-02")
    # A verdaging on 6 Mar comes after the term had run out.
    assert wmo(aangemeld("2026-01-08"), verdaagd("2026-03-06", 28)).due == D("2026-03-05")


def test_suspension_then_verdaging_in_date_order() -> None:
    # Alone, a verdaging on 10 Mar is too late (due 5 Mar). After the 14-day opschorting
    # (due 19 Mar) it counts: 19 Mar + 28 = Thu 16 Apr.
    result = wmo(
        aangemeld("2026-01-08"), verdaagd("2026-03-10", 28), op("2026-02-02"), hervat("2026-02-16")
    )
    assert result.due == D("2026-04-16")
    assert [(s.kind, s.counted) for s in result.steps[1:]] == [
        ("opschorting", True),
        ("verdaging", True),
    ]
    # Verdaging 20 Feb (+28: 2 Apr), then an opschorting 10..17 Mar counts: 2 Apr + 7 = 9 Apr.
    other = wmo(
        aangemeld("2026-01-08"), verdaagd("2026-02-20", 28), op("2026-03-10"), hervat("2026-03-17")
    )
    assert other.due == D("2026-04-09")
    assert other.counted_suspended_days == 7


def test_open_suspension_ends_at_the_besluit() -> None:
    # 2 Feb .. besluit 23 Feb = 21 days: 5 Mar + 21 = Thu 26 Mar.
    # doorlooptijd: 8 Jan -> 23 Feb = 46 days - 21 = 25.
    result = wmo(aangemeld("2026-01-08"), op("2026-02-02"), besloten("2026-02-23"))
    assert (result.due, result.counted_suspended_days, result.doorlooptijd) == (
        D("2026-03-26"),
        21,
        25,
    )
    assert result.suspended_now is False


def test_open_suspension_without_besluit_runs_to_the_peildatum() -> None:
    # On 12 Feb it has stood still 10 days: 5 Mar + 10 = Sun 15 Mar -> Mon 16 Mar, provisional.
    facts = (aangemeld("2026-01-08"), op("2026-02-02"))
    result = wmo(*facts, peildatum=D("2026-02-12"))
    assert (result.due, result.suspended_now, result.counted_suspended_days) == (
        D("2026-03-16"),
        True,
        10,
    )
    assert not result.overdue_on(D("2026-02-12"))


def test_overlapping_suspensions_count_shared_days_once() -> None:
    # Two opschortingen before one hervat both run to it: 2..16 Feb and 9..16 Feb cover
    # 2..16 Feb, 14 days (not 21). 5 Mar + 14 = 19 Mar.
    shared_end = wmo(
        aangemeld("2026-01-08"), op("2026-02-02"), op("2026-02-09"), hervat("2026-02-16")
    )
    assert (shared_end.due, shared_end.counted_suspended_days) == (D("2026-03-19"), 14)
    step = next(s for s in shared_end.steps if s.kind == "opschorting")
    assert "2 overlappende opschortingen samengevoegd" in step.reason
    # Each opschorting runs to the FIRST hervat on or after it, so 9 Feb also ends on 16 Feb
    # and the hervat of 23 Feb finds no open suspension: still 14 days.
    interleaved = wmo(
        aangemeld("2026-01-08"),
        op("2026-02-02"),
        hervat("2026-02-16"),
        op("2026-02-09"),
        hervat("2026-02-23"),
    )
    assert (interleaved.due, interleaved.counted_suspended_days) == (D("2026-03-19"), 14)
    # Disjoint ones add up: 2..16 Feb (14) and 20..23 Feb (3): 5 Mar + 17 = Sun 22 Mar -> 23.
    disjoint = wmo(
        aangemeld("2026-01-08"),
        op("2026-02-02"),
        hervat("2026-02-16"),
        op("2026-02-20"),
        hervat("2026-02-23"),
    )
    assert (disjoint.due, disjoint.counted_suspended_days) == (D("2026-03-23"), 17)


def test_hervat_without_open_suspension_is_ignored() -> None:
    result = wmo(
        aangemeld("2026-01-08"),
        hervat("2026-01-20"),
        op("2026-02-02"),
        hervat("2026-02-16"),
        hervat("2026-02-20"),
    )
    assert (result.due, result.counted_suspended_days) == (D("2026-03-19"), 14)
    ignored = [s for s in result.steps if s.kind == "hervat"]
    assert [s.datum for s in ignored] == [D("2026-01-20"), D("2026-02-20")]
    assert not any(s.counted for s in ignored)


def test_suspension_after_the_besluit_does_not_count() -> None:
    # Besluit 20 Feb: 43 days; an opschorting dated after it cannot lower the doorlooptijd.
    result = wmo(
        aangemeld("2026-01-08"), besloten("2026-02-20"), op("2026-02-25"), hervat("2026-03-01")
    )
    assert (result.due, result.doorlooptijd) == (D("2026-03-05"), 43)


# --- werkdagen clocks and Wgs ------------------------------------------------------------


def test_sth_ten_werkdagen_across_christmas_and_new_year() -> None:
    # Fri 18 Dec 2026: 21-24 Dec (1-4), 25/26 Kerst, 27 Sun, 28-31 Dec (5-8), 1 Jan,
    # weekend, Mon 4 Jan (9), Tue 5 Jan (10).
    facts = (aangemeld("2026-12-18", wet=Wet.STH), f("zaak.eerste-contact", "2027-01-05"))
    result = clock("sth-opgepakt", *facts)
    assert (result.due, result.tijdig) == (D("2027-01-05"), True)
    late = clock(
        "sth-opgepakt", aangemeld("2026-12-18", wet=Wet.STH), f("zaak.eerste-contact", "2027-01-06")
    )
    assert late.tijdig is False


def test_wgs_crisis_three_werkdagen() -> None:
    # Wed 13 May 2026: Hemelvaart 14th, gelijkgesteld 15th, weekend, Mon 18 (1), 19 (2), 20 (3).
    crisis = clock("wgs-eerste-gesprek", aangemeld("2026-05-13", wet=Wet.WGS, crisis=True))
    assert (crisis.due, crisis.crisis, crisis.warning_on) == (D("2026-05-20"), True, None)
    # Without crisis: 4 weeks, Wed 13 May + 28 = Wed 10 Jun, warning 7 days before.
    normal = clock("wgs-eerste-gesprek", aangemeld("2026-05-13", wet=Wet.WGS))
    assert (normal.due, normal.crisis, normal.warning_on) == (
        D("2026-06-10"),
        False,
        D("2026-06-03"),
    )


def test_wgs_besluit_runs_from_eerste_contact_else_aangemeld() -> None:
    fallback = clock("wgs-besluit", aangemeld("2026-01-08", wet=Wet.WGS))
    assert (fallback.start, fallback.due) == (D("2026-01-08"), D("2026-03-05"))
    # Eerste gesprek Thu 22 Jan + 56 = Thu 19 Mar.
    started = clock(
        "wgs-besluit", aangemeld("2026-01-08", wet=Wet.WGS), f("zaak.eerste-contact", "2026-01-22")
    )
    assert (started.start, started.due) == (D("2026-01-22"), D("2026-03-19"))


def test_clock_without_its_start_fact_is_none() -> None:
    history = ZaakHistory.of([aangemeld("2026-01-08")])
    assert compute_clock(CLOCKS["wmo-aanvraag"], history, CAL) is None
    ids = [r.clock_id for r in compute_clocks(CONFIG.clocks, history, CAL)]
    assert ids == ["wmo-onderzoek", "wmo-besluit"]


# --- corrections, duplicates, ingetrokken, peildatum ------------------------------------


def test_correction_with_later_time_wins() -> None:
    result = wmo(
        aangemeld("2026-01-08"),
        besloten("2026-03-01", minutes=100, id="b1"),
        besloten("2026-03-10", minutes=200, id="b0"),
    )
    assert (result.stopped, result.tijdig) == (D("2026-03-10"), False)
    corrected_start = wmo(aangemeld("2026-01-08", minutes=1), aangemeld("2026-01-10", minutes=2))
    assert corrected_start.start == D("2026-01-10")


def test_equal_time_greater_id_wins() -> None:
    result = wmo(
        aangemeld("2026-01-08"),
        besloten("2026-03-10", minutes=100, id="b-2"),
        besloten("2026-03-01", minutes=100, id="b-1"),
    )
    assert result.stopped == D("2026-03-10")


def test_duplicate_fact_is_counted_once() -> None:
    suspension = op("2026-02-02")
    result = wmo(aangemeld("2026-01-08"), suspension, suspension, hervat("2026-02-16"))
    assert result.counted_suspended_days == 14


def test_ingetrokken_stops_the_clock_but_is_flagged() -> None:
    result = wmo(aangemeld("2026-01-08"), besloten("2026-02-01", uitkomst="ingetrokken"))
    assert (result.stopped, result.ingetrokken, result.counts_for_kpi) == (
        D("2026-02-01"),
        True,
        False,
    )
    assert "ingetrokken" in result.steps[-1].reason
    buiten = wmo(aangemeld("2026-01-08"), besloten("2026-02-01", uitkomst="buiten-behandeling"))
    assert (buiten.ingetrokken, buiten.counts_for_kpi) == (False, True)


def test_peildatum_ignores_later_facts_and_reports_overdue() -> None:
    facts = (aangemeld("2026-01-08"), besloten("2026-03-10"))
    on_due = wmo(*facts, peildatum=D("2026-03-05"))
    assert (on_due.stopped, on_due.overdue_on(D("2026-03-05"))) == (None, False)
    day_after = wmo(*facts, peildatum=D("2026-03-06"))
    assert day_after.overdue_on(D("2026-03-06"))
    assert day_after.days_over(D("2026-03-06")) == 1
    final = wmo(*facts)
    assert (final.tijdig, final.days_over(D("2026-06-01"))) == (False, 5)
    assert not final.overdue_on(D("2026-06-01"))


def test_result_serialises_to_json_types() -> None:
    result = wmo(aangemeld("2026-01-08"), op("2026-02-02"), hervat("2026-02-16"))
    raw = result.to_dict()
    assert raw["due"] == "2026-03-19"
    assert raw["wet"] == "wmo"
    assert raw["steps"][1]["kind"] == "opschorting"


# --- ending a clock without its own stopping event (docs/domain.md#laws-and-clocks)
# -------------------------------
# wmo-onderzoek from Thu 8 Jan 2026: 6 weeks, due Thu 19 Feb.


def afgesloten(datum: str, **kw: Any) -> Fact:
    return f("zaak.afgesloten", datum, verwezen=False, **kw)


def test_the_besluit_ends_the_wmo_onderzoek_without_its_own_stop() -> None:
    late = clock("wmo-onderzoek", aangemeld("2026-01-08"), besloten("2026-02-20", "afgewezen"))
    assert (late.due, late.end, late.ended_by) == (
        D("2026-02-19"), D("2026-02-20"), "zaak.besloten")  # fmt: skip
    # The KPIs read the own stop only: the onderzoek has none.
    assert (late.stopped, late.tijdig, late.doorlooptijd, late.counts_for_kpi) == (
        None, None, None, False)  # fmt: skip
    assert late.ended_late is True
    assert late.steps[-1].kind == "einde"
    assert late.steps[-1].reason == (
        "zaak.besloten op 2026-02-20 (afgewezen) beeindigt de klok zonder eigen stopgebeurtenis "
        "(zaak.onderzoek-afgerond is niet bekend): termijn 2026-02-19, 1 dagen te laat"
    )
    # Over termijn on the day after the due date, no longer on the day of the besluit.
    assert late.overdue_on(D("2026-02-20")) is False
    assert late.days_over(D("2026-06-01")) == 1
    on_due = clock("wmo-onderzoek", aangemeld("2026-01-08"), besloten("2026-02-19", "ingetrokken"))
    assert (on_due.end, on_due.ended_late) == (D("2026-02-19"), False)
    assert on_due.steps[-1].counted
    early = clock(
        "wmo-onderzoek", aangemeld("2026-01-08"), besloten("2026-02-20"), peildatum=D("2026-02-20")
    )
    before = clock(
        "wmo-onderzoek", aangemeld("2026-01-08"), besloten("2026-02-20"), peildatum=D("2026-02-19")
    )
    assert (early.end, before.end) == (D("2026-02-20"), None)  # not known before its date
    assert (before.overdue_on(D("2026-02-19")), early.overdue_on(D("2026-02-20"))) == (False, False)


def test_the_own_stop_replaces_the_substitute_end() -> None:
    facts = (aangemeld("2026-01-08"), besloten("2026-02-25"))
    own_later = clock("wmo-onderzoek", *facts, f("zaak.onderzoek-afgerond", "2026-03-02"))
    assert (own_later.end, own_later.ended_by, own_later.stopped) == (
        D("2026-03-02"), "zaak.onderzoek-afgerond", D("2026-03-02"))  # fmt: skip
    assert own_later.steps[-1].kind == "stop"
    own_earlier = clock("wmo-onderzoek", *facts, f("zaak.onderzoek-afgerond", "2026-02-10"))
    assert (own_earlier.end, own_earlier.tijdig) == (D("2026-02-10"), True)
    # Until the own stop's date the substitute ends it (peildatum rule).
    cut = clock(
        "wmo-onderzoek", *facts, f("zaak.onderzoek-afgerond", "2026-03-02"),
        peildatum=D("2026-03-01"),
    )  # fmt: skip
    assert (cut.end, cut.ended_by, cut.stopped) == (D("2026-02-25"), "zaak.besloten", None)


def test_afgesloten_ends_every_clock_and_names_the_end_on_a_shared_day() -> None:
    sth = clock("sth-opgepakt", aangemeld("2026-01-08", wet=Wet.STH), afgesloten("2026-01-30"))
    # 10 werkdagen after Thu 8 Jan: Thu 22 Jan. Closed 8 days later without first contact.
    assert (sth.due, sth.end, sth.ended_by, sth.stopped) == (
        D("2026-01-22"), D("2026-01-30"), "zaak.afgesloten", None)  # fmt: skip
    assert sth.days_over(D("2026-12-31")) == 8
    wgs = clock(
        "wgs-eerste-gesprek",
        aangemeld("2026-01-08", wet=Wet.WGS),
        besloten("2026-01-20"),
        afgesloten("2026-01-20"),
    )
    assert (wgs.end, wgs.ended_by) == (D("2026-01-20"), "zaak.afgesloten")
    besluit_clock = wmo(aangemeld("2026-01-08"), afgesloten("2026-03-20"))
    assert (besluit_clock.end, besluit_clock.ended_by, besluit_clock.stopped) == (
        D("2026-03-20"), "zaak.afgesloten", None)  # fmt: skip
    # A besluit clock ends at its own besluit, even when the zaak was closed before it.
    both = wmo(aangemeld("2026-01-08"), afgesloten("2026-02-01"), besloten("2026-03-01"))
    assert (both.end, both.ended_by, both.tijdig) == (D("2026-03-01"), "zaak.besloten", True)


def test_a_substitute_before_the_start_of_a_clock_does_not_end_it() -> None:
    facts = (
        aangemeld("2026-01-08"),
        afgesloten("2026-01-20"),
        f("zaak.aanvraag-ontvangen", "2026-02-02"),
    )
    aanvraag = clock("wmo-aanvraag", *facts, peildatum=D("2026-03-01"))
    # 2 Feb + 2 weeks = Mon 16 Feb, running on.
    assert (aanvraag.due, aanvraag.end, aanvraag.overdue_on(D("2026-03-01"))) == (
        D("2026-02-16"), None, True)  # fmt: skip
    assert aanvraag.days_over(D("2026-03-01")) == 13
    assert clock("wmo-besluit", *facts).end == D("2026-01-20")


def test_an_open_opschorting_ends_with_the_zaak() -> None:
    # Opgeschort 2 Feb, never hervat, zaak closed 12 Feb: 10 days: 5 Mar + 10 = Sun 15 Mar ->
    # Mon 16 Mar. Not suspended any more; a verdaging after the closing does not count.
    result = wmo(
        aangemeld("2026-01-08"), op("2026-02-02"), afgesloten("2026-02-12"),
        verdaagd("2026-02-20", 14), peildatum=D("2026-06-01"),
    )  # fmt: skip
    assert (result.due, result.suspended_now, result.counted_suspended_days) == (
        D("2026-03-16"), False, 10)  # fmt: skip
    assert (result.end, result.overdue_on(D("2026-06-01"))) == (D("2026-02-12"), False)
    steps = {s.kind: s for s in result.steps}
    assert "niet hervat: staat stil tot de afsluiting" in steps["opschorting"].reason
    assert steps["verdaging"].reason.endswith("lag na de afsluiting (2026-02-12) en telt niet")
    assert steps["einde"].reason.startswith("zaak.afgesloten op 2026-02-12 beeindigt de klok")
