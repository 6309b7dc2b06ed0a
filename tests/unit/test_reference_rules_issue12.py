"""The independent reference (tests/reference) on hand-made histories, each rule to the day:
every clock of the configuration, the end of a clock without its own stopping event
(docs/domain.md#clock-endings),
open over termijn (docs/domain.md#kpi-open-over-termijn), doorlooptijd at a peildatum and the
alerts of final histories.

2025 calendar used below: Goede Vrijdag 18 Apr, 2e Paasdag 21 Apr, Koningsdag Sat 26 Apr,
5 mei Mon 5 May, Hemelvaart 29 May, gelijkgestelde dag 30 May.
"""

from __future__ import annotations

import random
from datetime import date
from itertools import count
from typing import Any

from reference.figures import doorlooptijd, doorlooptijd_at
from reference.termijnen import (
    ClockState,
    clock_states,
    expected_alerts,
    open_over_termijn,
    open_over_termijn_cells,
)

SOURCE = "urn:nld:oin:00000001002220647000:systeem:test"
_ids = count()


def ev(kind: str, zaak_id: str, datum: str, *, time: str = "2025-01-01T00:00:00Z",
       id: str | None = None, **data: Any) -> dict[str, Any]:  # fmt: skip
    return {
        "id": id or f"e-{next(_ids):06d}",
        "source": SOURCE,
        "type": f"nl.helmond.sociaaldomein.{kind}",
        "time": time,
        "data": {"zaak_id": zaak_id, "datum": datum, **data},
    }


def aangemeld(zaak_id: str, datum: str, wet: str, wijk: str | None = "Warande",
              **data: Any) -> dict[str, Any]:  # fmt: skip
    where = {"wijk": wijk} if wijk else {}
    return ev("zaak.aangemeld", zaak_id, datum, wet=wet, soort="aanvraag", **where, **data)


def besloten(zaak_id: str, datum: str, uitkomst: str = "toegekend", **kw: Any) -> dict[str, Any]:
    return ev("zaak.besloten", zaak_id, datum, uitkomst=uitkomst, **kw)


def state(events: list[dict[str, Any]], peildatum: str, zaak_id: str, clock: str) -> ClockState:
    found = [s for s in clock_states(events, date.fromisoformat(peildatum))
             if s.zaak_id == zaak_id and s.clock_id == clock]  # fmt: skip
    assert len(found) == 1, found
    return found[0]


def clocks_of(events: list[dict[str, Any]], peildatum: str) -> set[str]:
    return {s.clock_id for s in clock_states(events, date.fromisoformat(peildatum))}


D = date.fromisoformat
LATER = D("2025-12-31")


def test_wmo_decided_on_its_due_day_has_no_termijn_overschreden_whatever_the_order():
    events = [
        aangemeld("Z", "2025-03-03", "wmo"),
        ev("zaak.onderzoek-afgerond", "Z", "2025-04-01"),
        ev("zaak.aanvraag-ontvangen", "Z", "2025-04-20"),
        besloten("Z", "2025-04-28"),
    ]
    onderzoek = state(events, "2025-12-31", "Z", "wmo-onderzoek")
    assert (onderzoek.start, onderzoek.due, onderzoek.warning_on) == (
        D("2025-03-03"), D("2025-04-14"), D("2025-04-07"))  # fmt: skip
    assert (onderzoek.end, onderzoek.ended_by) == (D("2025-04-01"), "zaak.onderzoek-afgerond")
    aanvraag = state(events, "2025-12-31", "Z", "wmo-aanvraag")
    # 20 Apr + 2 weeks = Sun 4 May; 5 May is a feestdag every year (Atw art. 3): Tue 6 May.
    assert (aanvraag.due, aanvraag.warning_on) == (D("2025-05-06"), None)
    assert (aanvraag.end, aanvraag.ended_by) == (D("2025-04-28"), "zaak.besloten")
    besluit = state(events, "2025-12-31", "Z", "wmo-besluit")
    assert (besluit.due, besluit.end, besluit.warning_on) == (
        D("2025-04-28"), D("2025-04-28"), D("2025-04-14"))  # fmt: skip
    assert (besluit.wet, besluit.wijk) == ("wmo", "Warande")
    expected = {("Z", "wmo-besluit", "waarschuwing")}
    assert expected_alerts(events, LATER) == expected
    for seed in range(5):
        shuffled = events[:]
        random.Random(seed).shuffle(shuffled)
        assert expected_alerts(shuffled, LATER) == expected
    assert open_over_termijn(events, D("2025-04-28")) == {}
    assert open_over_termijn(events, D("2025-04-29")) == {}


def test_a_clock_stopped_the_day_after_its_due_date_is_overschreden_and_late():
    events = [aangemeld("Z", "2025-03-03", "jeugdwet"), besloten("Z", "2025-04-29")]
    assert expected_alerts(events, LATER) == {
        ("Z", "jeugdwet-besluit", "waarschuwing"),
        ("Z", "jeugdwet-besluit", "termijn-overschreden"),
        ("Z", "jeugdwet-besluit", "opgelost-na-termijn"),
    }
    # Each alert only once its day has come.
    assert expected_alerts(events, D("2025-04-13")) == set()
    assert expected_alerts(events, D("2025-04-14")) == {("Z", "jeugdwet-besluit", "waarschuwing")}
    assert expected_alerts(events, D("2025-04-28")) == {("Z", "jeugdwet-besluit", "waarschuwing")}
    assert len(expected_alerts(events, D("2025-04-29"))) == 3


def test_wmo_onderzoek_without_its_own_stop_ends_at_the_besluit():
    events = [aangemeld("Z", "2025-03-03", "wmo"), besloten("Z", "2025-04-10", "afgewezen")]
    onderzoek = state(events, "2025-12-31", "Z", "wmo-onderzoek")
    assert (onderzoek.due, onderzoek.end, onderzoek.ended_by) == (
        D("2025-04-14"), D("2025-04-10"), "zaak.besloten")  # fmt: skip
    # Warned on 7 Apr (still open then), ended before its due date: nothing else.
    assert expected_alerts(events, LATER) == {("Z", "wmo-onderzoek", "waarschuwing")}
    assert open_over_termijn(events, D("2025-06-01")) == {}
    assert "wmo-aanvraag" not in clocks_of(events, "2025-12-31")  # never started


def test_a_besluit_after_the_onderzoek_due_date_ends_it_late_and_ingetrokken_counts_too():
    for uitkomst in ("toegekend", "ingetrokken"):
        events = [aangemeld("Z", "2025-03-03", "wmo"), besloten("Z", "2025-04-22", uitkomst)]
        assert state(events, "2025-12-31", "Z", "wmo-onderzoek").end == D("2025-04-22")
        assert expected_alerts(events, LATER) == {
            ("Z", "wmo-onderzoek", "waarschuwing"),
            ("Z", "wmo-onderzoek", "termijn-overschreden"),
            ("Z", "wmo-onderzoek", "opgelost-na-termijn"),
            ("Z", "wmo-besluit", "waarschuwing"),
        }
        key = ("wmo", "Warande", "wmo-onderzoek")
        assert open_over_termijn(events, D("2025-04-14")) == {}
        assert open_over_termijn(events, D("2025-04-15")) == {key: [("Z", D("2025-04-14"), 1)]}
        assert open_over_termijn(events, D("2025-04-21")) == {key: [("Z", D("2025-04-14"), 7)]}
        assert open_over_termijn(events, D("2025-04-22")) == {}  # ended on the peildatum


def test_sth_closed_after_its_norm_day_without_contact_is_opgelost_na_termijn():
    events = [aangemeld("S", "2025-03-03", "sth"),
              ev("zaak.afgesloten", "S", "2025-03-20", verwezen=False)]  # fmt: skip
    opgepakt = state(events, "2025-12-31", "S", "sth-opgepakt")
    # 10 werkdagen after Mon 3 Mar: Mon 17 Mar.
    assert (opgepakt.due, opgepakt.warning_on) == (D("2025-03-17"), None)
    assert (opgepakt.end, opgepakt.ended_by) == (D("2025-03-20"), "zaak.afgesloten")
    assert expected_alerts(events, LATER) == {
        ("S", "sth-opgepakt", "termijn-overschreden"),
        ("S", "sth-opgepakt", "opgelost-na-termijn"),
    }
    key = ("sth", "Warande", "sth-opgepakt")
    assert open_over_termijn(events, D("2025-03-19")) == {key: [("S", D("2025-03-17"), 2)]}
    assert open_over_termijn(events, D("2025-03-20")) == {}


def test_a_substitute_end_before_the_clock_start_does_not_end_it():
    events = [
        aangemeld("Z", "2025-03-03", "wmo"),
        ev("zaak.afgesloten", "Z", "2025-03-10", verwezen=False),
        ev("zaak.aanvraag-ontvangen", "Z", "2025-03-20"),
    ]
    for clock in ("wmo-onderzoek", "wmo-besluit"):
        ended = state(events, "2025-04-10", "Z", clock)
        assert (ended.end, ended.ended_by) == (D("2025-03-10"), "zaak.afgesloten")
    aanvraag = state(events, "2025-04-10", "Z", "wmo-aanvraag")
    assert (aanvraag.start, aanvraag.due, aanvraag.end) == (D("2025-03-20"), D("2025-04-03"), None)
    assert open_over_termijn(events, D("2025-04-10")) == {
        ("wmo", "Warande", "wmo-aanvraag"): [("Z", D("2025-04-03"), 7)]
    }
    assert expected_alerts(events, D("2025-04-10")) == {
        ("Z", "wmo-aanvraag", "termijn-overschreden")
    }


def test_the_own_stop_replaces_the_substitute_end_once_known():
    base = [aangemeld("Z", "2025-03-03", "wmo"), besloten("Z", "2025-04-22")]
    # Dated before the substitute: the clock was in time after all.
    early = [*base, ev("zaak.onderzoek-afgerond", "Z", "2025-04-10", time="2025-06-01T08:00:00Z")]
    onderzoek = state(early, "2025-12-31", "Z", "wmo-onderzoek")
    assert (onderzoek.end, onderzoek.ended_by) == (D("2025-04-10"), "zaak.onderzoek-afgerond")
    assert expected_alerts(early, LATER) == {
        ("Z", "wmo-onderzoek", "waarschuwing"),
        ("Z", "wmo-besluit", "waarschuwing"),
    }
    # Dated after the substitute: the substitute ends it until the own stop is known.
    late = [*base, ev("zaak.onderzoek-afgerond", "Z", "2025-04-25")]
    before = state(late, "2025-04-23", "Z", "wmo-onderzoek")
    assert (before.end, before.ended_by) == (D("2025-04-22"), "zaak.besloten")
    after = state(late, "2025-04-25", "Z", "wmo-onderzoek")
    assert (after.end, after.ended_by) == (D("2025-04-25"), "zaak.onderzoek-afgerond")
    assert ("Z", "wmo-onderzoek", "opgelost-na-termijn") in expected_alerts(late, LATER)


def test_a_besluit_corrected_to_after_the_peildatum_is_not_there_in_either_version():
    events = [
        aangemeld("Z", "2025-03-03", "wmo"),
        besloten("Z", "2025-04-10", time="2025-04-10T10:00:00Z"),
        besloten("Z", "2025-05-05", time="2025-05-06T09:00:00Z"),
    ]
    peildatum = D("2025-04-30")
    assert doorlooptijd_at(events, peildatum) == {}
    besluit = state(events, "2025-04-30", "Z", "wmo-besluit")
    assert (besluit.due, besluit.end) == (D("2025-04-28"), None)
    assert open_over_termijn(events, peildatum) == {
        ("wmo", "Warande", "wmo-onderzoek"): [("Z", D("2025-04-14"), 16)],
        ("wmo", "Warande", "wmo-besluit"): [("Z", D("2025-04-28"), 2)],
    }
    cells = open_over_termijn_cells(events, peildatum)
    assert len(cells) == 12 and set(cells.values()) == {1}
    for clock in ("wmo-onderzoek", "wmo-besluit"):
        for wijk in ("Warande", "gemeente"):
            for periode in ("2025-04", "2025-H1", "2025"):
                assert cells["wmo", wijk, periode, clock] == 1
    figure = {"n": 1, "n_tijdig": 0, "tijdig_pct": 0.0, "median": 63, "p90": 63}
    at_end_of_may = doorlooptijd_at(events, D("2025-05-31"))
    assert at_end_of_may["wmo", "Warande", "2025-05"] == figure
    assert ("wmo", "gemeente", "2025-04") not in at_end_of_may
    assert open_over_termijn(events, D("2025-05-05")) == {}


def test_a_correction_with_the_same_time_counts_in_the_version_with_the_greater_id():
    same = "2025-05-06T09:00:00Z"
    events = [
        aangemeld("Z", "2025-03-03", "wmo"),
        besloten("Z", "2025-04-10", time=same, id="b"),
        besloten("Z", "2025-05-05", time=same, id="a"),
    ]
    assert state(events, "2025-04-30", "Z", "wmo-besluit").end == D("2025-04-10")
    assert doorlooptijd_at(events, D("2025-04-30"))["wmo", "gemeente", "2025-04"]["n"] == 1


def test_an_open_suspension_ends_at_the_substitute_end():
    events = [aangemeld("J", "2025-03-03", "jeugdwet"), ev("zaak.opgeschort", "J", "2025-04-01")]
    # Not closed: the open suspension runs to the peildatum (1 Apr .. 1 Jun = 61 days):
    # 28 Apr + 61 = Sat 28 Jun -> Mon 30 Jun.
    assert state(events, "2025-06-01", "J", "jeugdwet-besluit").due == D("2025-06-30")
    assert state(events, "2025-04-05", "J", "jeugdwet-besluit").due == D("2025-05-02")
    closed = [*events, ev("zaak.afgesloten", "J", "2025-04-11", verwezen=False)]
    besluit = state(closed, "2025-06-01", "J", "jeugdwet-besluit")
    # 1 Apr .. 11 Apr = 10 days: 28 Apr -> 8 May.
    assert (besluit.due, besluit.end, besluit.ended_by) == (
        D("2025-05-08"), D("2025-04-11"), "zaak.afgesloten")  # fmt: skip
    assert besluit.warning_on == D("2025-04-24")
    assert expected_alerts(closed, LATER) == set()
    assert open_over_termijn(closed, LATER) == {}
    assert doorlooptijd_at(closed, LATER) == {}  # a closure is no besluit


def test_opschorting_and_verdaging_in_date_order_and_agreement_with_doorlooptijd():
    events = [
        aangemeld("P", "2025-01-06", "participatiewet"),
        ev("zaak.opgeschort", "P", "2025-01-20"),
        ev("zaak.hervat", "P", "2025-01-27"),  # 7 days: 3 Mar -> 10 Mar
        ev("zaak.verdaagd", "P", "2025-03-10", dagen=14),  # on the due date: 24 Mar
        ev("zaak.opgeschort", "P", "2025-03-25"),  # after the due date: moves nothing
        ev("zaak.hervat", "P", "2025-03-28"),
        besloten("P", "2025-03-27"),
    ]
    assert state(events, "2025-03-26", "P", "participatiewet-besluit").due == D("2025-03-24")
    assert open_over_termijn(events, D("2025-03-26")) == {
        ("participatiewet", "Warande", "participatiewet-besluit"): [("P", D("2025-03-24"), 2)]
    }
    final = state(events, "2025-12-31", "P", "participatiewet-besluit")
    assert (final.due, final.end, final.warning_on) == (
        D("2025-03-24"), D("2025-03-27"), D("2025-03-10"))  # fmt: skip
    figure = doorlooptijd(events)["participatiewet", "Warande", "2025-03"]
    assert figure == {"n": 1, "n_tijdig": 0, "tijdig_pct": 0.0, "median": 73, "p90": 73}
    assert ("P", "participatiewet-besluit", "opgelost-na-termijn") in expected_alerts(events, LATER)


def test_opschorting_and_verdaging_do_not_move_the_other_clocks():
    events = [
        aangemeld("Z", "2025-03-03", "wmo"),
        ev("zaak.opgeschort", "Z", "2025-03-10"),
        ev("zaak.hervat", "Z", "2025-03-20"),
        ev("zaak.verdaagd", "Z", "2025-03-20", dagen=7),
    ]
    assert state(events, "2025-04-01", "Z", "wmo-onderzoek").due == D("2025-04-14")
    assert state(events, "2025-04-01", "Z", "wmo-besluit").due == D("2025-05-15")  # +10 +7


def test_wgs_crisis_in_werkdagen_and_the_besluit_clock_from_the_eerste_gesprek():
    events = [aangemeld("W", "2025-04-17", "wgs", wijk=None, crisis=True)]  # no wijk: onbekend
    gesprek = state(events, "2025-04-20", "W", "wgs-eerste-gesprek")
    # 3 werkdagen after Thu 17 Apr, skipping Goede Vrijdag, the weekend and 2e Paasdag: 24 Apr.
    assert (gesprek.due, gesprek.warning_on, gesprek.wijk) == (D("2025-04-24"), None, "onbekend")
    events.append(ev("zaak.eerste-contact", "W", "2025-04-25"))
    # Before the eerste gesprek the besluit clock runs from the aanmelding.
    assert state(events, "2025-04-23", "W", "wgs-besluit").due == D("2025-06-12")
    besluit = state(events, "2025-05-01", "W", "wgs-besluit")
    assert (besluit.start, besluit.due, besluit.warning_on) == (
        D("2025-04-25"), D("2025-06-20"), D("2025-06-06"))  # fmt: skip
    assert expected_alerts(events, D("2025-05-01")) == {
        ("W", "wgs-eerste-gesprek", "termijn-overschreden"),
        ("W", "wgs-eerste-gesprek", "opgelost-na-termijn"),
    }
    assert open_over_termijn(events, D("2025-04-24")) == {}  # due on the peildatum: not over
    assert open_over_termijn(events, D("2025-04-25")) == {}  # ended on the peildatum
    assert open_over_termijn(events[:1], D("2025-04-25")) == {
        ("wgs", "onbekend", "wgs-eerste-gesprek"): [("W", D("2025-04-24"), 1)]
    }


def test_wgs_without_crisis_and_a_crisis_flag_on_a_clock_without_crisis_term():
    events = [aangemeld("W", "2025-04-17", "wgs"), aangemeld("J", "2025-04-17", "jeugdwet",
                                                             crisis=True)]  # fmt: skip
    gesprek = state(events, "2025-04-20", "W", "wgs-eerste-gesprek")
    assert (gesprek.due, gesprek.warning_on) == (D("2025-05-15"), D("2025-05-08"))
    assert state(events, "2025-04-20", "J", "jeugdwet-besluit").due == D("2025-06-12")


def test_sth_norm_day_skips_hemelvaart_and_the_gelijkgestelde_dag():
    events = [aangemeld("S", "2025-05-19", "sth")]
    assert state(events, "2025-05-20", "S", "sth-opgepakt").due == D("2025-06-04")
    assert open_over_termijn(events, D("2025-06-04")) == {}
    assert open_over_termijn(events, D("2025-06-05")) == {
        ("sth", "Warande", "sth-opgepakt"): [("S", D("2025-06-04"), 1)]
    }
    events.append(ev("zaak.eerste-contact", "S", "2025-06-04"))
    assert expected_alerts(events, LATER) == set()


def test_doorlooptijd_of_a_running_month_at_a_past_peildatum():
    events = [
        aangemeld("J1", "2025-04-01", "jeugdwet"),
        besloten("J1", "2025-05-05"),
        aangemeld("J2", "2025-04-10", "jeugdwet"),
        besloten("J2", "2025-05-20"),
        aangemeld("J3", "2025-04-10", "jeugdwet"),
        besloten("J3", "2025-05-07", "ingetrokken"),
    ]
    one = {"n": 1, "n_tijdig": 1, "tijdig_pct": 100.0, "median": 34, "p90": 34}
    at_10_may = doorlooptijd_at(events, D("2025-05-10"))
    assert set(at_10_may) == {("jeugdwet", w, p) for w in ("Warande", "gemeente")
                              for p in ("2025-05", "2025-H1", "2025")}  # fmt: skip
    assert all(figure == one for figure in at_10_may.values())
    assert doorlooptijd_at(events, D("2025-05-04")) == {}
    two = {"n": 2, "n_tijdig": 2, "tijdig_pct": 100.0, "median": 34, "p90": 40}
    assert doorlooptijd_at(events, D("2025-05-31"))["jeugdwet", "gemeente", "2025-05"] == two
    assert doorlooptijd_at(events, LATER) == doorlooptijd(events)
