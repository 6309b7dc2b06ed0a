"""What one zaak adds to doorlooptijd, wachttijd, the STH KPIs and bereik, on chosen peildata."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest

from shared.core.domain import AtwCalendar, Fact, ZaakHistory
from shared.core.domain_config import Wet
from shared.core.kpi.contribution import zaak_contribution
from shared.core.kpi.dated import counts_on, dated_field, split_dated_field
from shared.platform.settings import get_domain_config

DOMAIN = get_domain_config()
CALENDAR = AtwCalendar(DOMAIN.gelijkgestelde_dagen)
T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)
_ids = count()
D = date.fromisoformat
FAR = date(2030, 1, 1)


def f(kind: str, datum: str, **attrs) -> Fact:
    n = next(_ids)
    return Fact(kind, "urn:test", f"e{n:05d}", T0 + timedelta(minutes=n), D(datum), **attrs)


def aangemeld(datum: str, wet: Wet = Wet.WMO, wijk: str = "Warande", **attrs) -> Fact:
    return f("zaak.aangemeld", datum, wet=wet, soort="aanvraag", wijk=wijk, **attrs)


def contribution(*facts: Fact, zaak_id: str = "Z-1") -> dict:
    return dict(zaak_contribution(ZaakHistory.of(facts), DOMAIN, CALENDAR, zaak_id=zaak_id))


def on(contrib: dict, cell: str, peildatum: date | str = FAR) -> dict[str, int]:
    """The cell's counters on a peildatum, as the reporting reads them."""
    peildatum = D(peildatum) if isinstance(peildatum, str) else peildatum
    fields = {field: str(inc) for (c, field), inc in contrib.items() if c == cell}
    return counts_on(fields, peildatum)


# --- the dated fields -------------------------------------------------------------------


def test_dated_fields_count_from_their_day_and_undated_ones_are_ignored():
    assert dated_field("hh:a@b", D("2026-03-05")) == "hh:a@b@20260305"
    assert split_dated_field("hh:a@b@20260305") == ("hh:a@b", "20260305")
    assert split_dated_field("n") is None
    fields = {"n@20260305": "2", "n@20260310": "-1", "d4@20260305": "1", "n": "9"}
    assert counts_on(fields, D("2026-03-04")) == {}
    assert counts_on(fields, D("2026-03-05")) == {"n": 2, "d4": 1}
    assert counts_on(fields, D("2026-03-10")) == {"n": 1, "d4": 1}


# --- wachttijd --------------------------------------------------------------------------

WACHT = "wachttijd|wmo|Warande|2026-03"


def test_wachttijd_runs_from_the_toegekend_besluit_even_with_a_toewijzing():
    contrib = contribution(
        aangemeld("2026-01-12"),
        f("zaak.besloten", "2026-03-02", uitkomst="toegekend"),
        f("zorg.toegewezen", "2026-03-05"),
        f("zorg.gestart", "2026-03-20"),
        f("zorg.gestart", "2026-04-02"),  # only the earliest start counts
    )
    for cell in (WACHT, "wachttijd|wmo|gemeente|2026-H1", "wachttijd|wmo|Warande|2026"):
        assert on(contrib, cell) == {"d18": 1}
    assert on(contrib, WACHT, "2026-03-19") == {}  # not started yet on that peildatum
    assert not any(c.startswith("wachttijd|wmo|Warande|2026-04") for c, _ in contrib)


def test_care_started_before_the_besluit_counts_as_zero_days():
    facts = (
        aangemeld("2026-02-20"),
        f("zorg.toegewezen", "2026-03-02"),
        f("zorg.gestart", "2026-03-05"),
        f("zaak.besloten", "2026-03-20", uitkomst="toegekend"),
    )
    contrib = contribution(*facts)
    assert on(contrib, WACHT) == {"d0": 1}
    # Before the besluit the zaak has none: its wait runs from the toewijzing.
    assert on(contrib, WACHT, "2026-03-19") == {"d3": 1}


def test_without_any_besluit_the_earliest_toewijzing_counts():
    contrib = contribution(
        aangemeld("2026-02-01", wet=Wet.JEUGDWET),
        f("zorg.toegewezen", "2026-03-09"),
        f("zorg.toegewezen", "2026-03-02"),
        f("zorg.gestart", "2026-03-12"),
    )
    assert on(contrib, "wachttijd|jeugdwet|Warande|2026-03") == {"d10": 1}


@pytest.mark.parametrize("uitkomst", ["afgewezen", "buiten-behandeling", "ingetrokken"])
def test_a_besluit_that_grants_nothing_leaves_the_start_uncounted(uitkomst):
    contrib = contribution(
        aangemeld("2026-01-12"),
        f("zaak.besloten", "2026-03-02", uitkomst=uitkomst),
        f("zorg.toegewezen", "2026-03-05"),
        f("zorg.gestart", "2026-03-20"),
    )
    assert on(contrib, WACHT) == {}
    assert on(contrib, WACHT, "2026-03-25") == {}
    # before that besluit was dated, the toewijzing was the zaak's grant
    late = contribution(
        aangemeld("2026-01-12"),
        f("zorg.toegewezen", "2026-03-05"),
        f("zorg.gestart", "2026-03-20"),
        f("zaak.besloten", "2026-03-25", uitkomst=uitkomst),
    )
    assert on(late, WACHT, "2026-03-24") == {"d15": 1}
    assert on(late, WACHT) == {}


# --- sth-opgepakt -----------------------------------------------------------------------

OPGEPAKT = "sth-opgepakt|sth|Warande|2026-12"
# Fri 18 Dec 2026: the 10th werkdag after it is Tue 5 Jan 2027 (Kerst and Nieuwjaar skipped).
HULPVRAAG = "2026-12-18"


def sth_hulpvraag(*facts: Fact) -> dict:
    return contribution(aangemeld(HULPVRAAG, wet=Wet.STH), *facts)


def test_a_hulpvraag_without_contact_is_left_out_until_its_norm_day_has_passed():
    contrib = sth_hulpvraag()
    assert on(contrib, OPGEPAKT, "2027-01-05") == {}
    assert on(contrib, OPGEPAKT, "2027-01-06") == {"n": 1}
    assert on(contrib, "sth-opgepakt|sth|gemeente|2026") == {"n": 1}


def test_contact_on_the_norm_day_is_within_and_the_day_after_is_not():
    on_time = sth_hulpvraag(f("zaak.eerste-contact", "2027-01-05"))
    assert on(on_time, OPGEPAKT, "2027-01-04") == {}
    assert on(on_time, OPGEPAKT, "2027-01-05") == {"n": 1, "binnen": 1}
    late = sth_hulpvraag(f("zaak.eerste-contact", "2027-01-06"))
    assert on(late, OPGEPAKT, "2027-01-05") == {}
    assert on(late, OPGEPAKT, "2027-01-06") == {"n": 1}


def test_a_late_contact_after_the_peildatum_still_counts_as_not_within():
    contrib = sth_hulpvraag(f("zaak.eerste-contact", "2027-02-01"))
    assert on(contrib, OPGEPAKT, "2027-01-20") == {"n": 1}
    assert on(contrib, OPGEPAKT) == {"n": 1}


def test_only_sth_hulpvragen_are_counted():
    contrib = contribution(
        aangemeld("2026-12-18", wet=Wet.WGS), f("zaak.eerste-contact", "2027-01-04")
    )
    assert not any(cell.startswith("sth-") for cell, _ in contrib)


def test_a_corrected_contact_counts_only_from_its_corrected_date():
    wrong = f("zaak.eerste-contact", "2026-12-22")
    right = f("zaak.eerste-contact", "2027-01-04")  # sent later: the correction
    contrib = sth_hulpvraag(wrong, right)
    assert on(contrib, OPGEPAKT, "2026-12-31") == {}
    assert on(contrib, OPGEPAKT, "2027-01-04") == {"n": 1, "binnen": 1}


# --- sth-zonder-verwijzing --------------------------------------------------------------


@pytest.mark.parametrize(
    ("verwezen", "expected"), [(False, {"n": 1, "zonder": 1}), (True, {"n": 1})]
)
def test_closed_trajectories_count_in_the_periode_of_closing(verwezen, expected):
    contrib = contribution(
        aangemeld("2026-01-20", wet=Wet.STH), f("zaak.afgesloten", "2026-04-02", verwezen=verwezen)
    )
    assert on(contrib, "sth-zonder-verwijzing|sth|Warande|2026-04") == expected
    assert on(contrib, "sth-zonder-verwijzing|sth|gemeente|2026-H1", "2026-04-01") == {}


# --- bereik-ondersteuning ---------------------------------------------------------------

BEREIK = "bereik-ondersteuning|wmo|{wijk}|{periode}"


def test_a_household_counts_once_per_periode_whatever_its_zaken_and_starts():
    first = contribution(
        aangemeld("2026-01-05", huishouden="hh-1"),
        f("zorg.gestart", "2026-03-03"),
        f("zorg.gestart", "2026-03-20"),
        f("zorg.gestart", "2026-04-01"),
        zaak_id="Z-1",
    )
    second = contribution(
        aangemeld("2026-02-05", wijk="Stiphout", huishouden="hh-1"),
        f("zorg.gestart", "2026-03-10"),
        zaak_id="Z-2",
    )
    march = BEREIK.format(wijk="Warande", periode="2026-03")
    assert on(first, march) == {"hh:hh-1": 1}  # however many starts in the periode
    assert on(first, march, "2026-03-02") == {}
    assert on(first, BEREIK.format(wijk="Warande", periode="2026-04")) == {"hh:hh-1": 1}
    gemeente = BEREIK.format(wijk="gemeente", periode="2026-H1")
    both = Counter(first) + Counter(second)
    assert on(both, gemeente) == {"hh:hh-1": 2}  # two zaken, one household field
    assert on(second, BEREIK.format(wijk="Stiphout", periode="2026-03")) == {"hh:hh-1": 1}


def test_a_zaak_without_household_pseudonym_is_its_own_household():
    contrib = contribution(aangemeld("2026-01-05"), f("zorg.gestart", "2026-03-03"), zaak_id="Z-9")
    assert on(contrib, BEREIK.format(wijk="Warande", periode="2026")) == {"zk:Z-9": 1}


# --- one entry point --------------------------------------------------------------------


def test_nothing_counts_before_the_aanmelding_has_arrived():
    facts = (
        f("zaak.besloten", "2026-03-02", uitkomst="toegekend"),
        f("zorg.gestart", "2026-03-20"),
        f("zaak.afgesloten", "2026-04-01", verwezen=False),
    )
    assert contribution(*facts) == {}
    assert {c.split("|")[0] for c, _ in contribution(aangemeld("2026-01-12"), *facts)} == {
        "doorlooptijd",
        "wachttijd",
        "bereik-ondersteuning",
    }


# --- doorlooptijd and tijdig beslist -----------------------------------------------------

DOORLOOP = "doorlooptijd|wmo|Warande|{periode}"


def test_a_besluit_enters_on_its_datum_in_every_periode_of_it() -> None:
    # Wmo, 8 weeks: aangemeld 12 January, due 9 March; besluit 2 March: 49 days, on time.
    contrib = contribution(
        aangemeld("2026-01-12"), f("zaak.besloten", "2026-03-02", uitkomst="toegekend")
    )
    cells = [
        DOORLOOP.format(periode=p).replace("Warande", w)
        for w in ("Warande", "gemeente")
        for p in ("2026-03", "2026-H1", "2026")
    ]
    fields = ("n@20260302", "tijdig@20260302", "d49@20260302")
    assert contrib == {(cell, field): 1 for cell in cells for field in fields}
    for cell in cells:
        assert on(contrib, cell, "2026-03-01") == {}
        assert on(contrib, cell, "2026-03-02") == {"n": 1, "tijdig": 1, "d49": 1}


def test_a_late_besluit_counts_without_tijdig() -> None:
    contrib = contribution(
        aangemeld("2026-01-05"), f("zaak.besloten", "2026-03-05", uitkomst="afgewezen")
    )
    assert on(contrib, DOORLOOP.format(periode="2026-03")) == {"n": 1, "d59": 1}


def test_a_besluit_corrected_to_after_the_peildatum_is_not_there_yet() -> None:
    # 20 February corrected (later time) to 12 March: due 9 March, 59 days, late.
    contrib = contribution(
        aangemeld("2026-01-12"),
        f("zaak.besloten", "2026-02-20", uitkomst="toegekend"),
        f("zaak.besloten", "2026-03-12", uitkomst="toegekend"),
    )
    for peildatum in ("2026-02-20", "2026-03-01", "2026-03-11"):
        # not the corrected besluit, and not its earlier, wrong version either
        assert on(contrib, DOORLOOP.format(periode="2026"), peildatum) == {}, peildatum
    assert on(contrib, DOORLOOP.format(periode="2026"), "2026-03-12") == {"n": 1, "d59": 1}
    assert on(contrib, DOORLOOP.format(periode="2026-02")) == {}
    assert not any("2026-02" in cell for cell, _ in contrib)


def test_a_besluit_corrected_to_an_earlier_date_counts_from_that_date_only() -> None:
    contrib = contribution(
        aangemeld("2026-01-12"),
        f("zaak.besloten", "2026-03-12", uitkomst="toegekend"),
        f("zaak.besloten", "2026-02-20", uitkomst="toegekend"),
    )
    assert on(contrib, DOORLOOP.format(periode="2026-02"), "2026-02-19") == {}
    assert on(contrib, DOORLOOP.format(periode="2026-02"), "2026-02-20") == {
        "n": 1,
        "tijdig": 1,
        "d39": 1,
    }
    assert on(contrib, DOORLOOP.format(periode="2026-03")) == {}


def test_an_ingetrokken_besluit_is_left_out_and_buiten_behandeling_counts() -> None:
    withdrawn = contribution(
        aangemeld("2026-01-12"), f("zaak.besloten", "2026-01-30", uitkomst="ingetrokken")
    )
    assert not any(cell.startswith("doorlooptijd|") for cell, _ in withdrawn)
    outside = contribution(
        aangemeld("2026-01-12"), f("zaak.besloten", "2026-01-30", uitkomst="buiten-behandeling")
    )
    assert on(outside, DOORLOOP.format(periode="2026-01")) == {"n": 1, "tijdig": 1, "d18": 1}


def test_a_suspension_known_on_the_peildatum_moves_the_due_date() -> None:
    # opgeschort 19 Jan .. hervat 2 Feb (14 days): due 16 March; besluit 10 March: 64 - 14.
    contrib = contribution(
        aangemeld("2026-01-05"),
        f("zaak.opgeschort", "2026-01-19"),
        f("zaak.hervat", "2026-02-02"),
        f("zaak.besloten", "2026-03-10", uitkomst="afgewezen"),
    )
    assert on(contrib, DOORLOOP.format(periode="2026-03"), "2026-03-10") == {
        "n": 1,
        "tijdig": 1,
        "d50": 1,
    }
