"""The Atw calendar against the law's list, worked out by hand, not by the holidays library."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.core.domain.calendar import GELIJKGESTELDE_DAG, AtwCalendar
from shared.core.domain_config import load_domain_config
from shared.platform.settings import DEFAULT_DOMAIN_CONFIG

CONFIG = load_domain_config(DEFAULT_DOMAIN_CONFIG)
CAL = AtwCalendar(CONFIG.gelijkgestelde_dagen)
for _year in range(2019, 2032):  # build the cached years now, not inside a timed example
    CAL.feestdagen(_year)

# Easter Sunday per year (kerkelijke tabellen); every moveable Atw day hangs off it.
EASTER = {
    2020: date(2020, 4, 12), 2021: date(2021, 4, 4), 2022: date(2022, 4, 17),
    2023: date(2023, 4, 9), 2024: date(2024, 3, 31), 2025: date(2025, 4, 20),
    2026: date(2026, 4, 5), 2027: date(2027, 3, 28), 2028: date(2028, 4, 16),
    2029: date(2029, 4, 1), 2030: date(2030, 4, 21),
}  # fmt: skip
FRIDAY_AFTER_HEMELVAART = {
    date(2024, 5, 10), date(2025, 5, 30), date(2026, 5, 15), date(2027, 5, 7), date(2028, 5, 26)
}  # fmt: skip


def expected_atw_days(year: int) -> set[date]:
    """Atw art. 3: lid 1 list, lid 2 Goede Vrijdag, lid 3 decreed days (configuration)."""
    easter = EASTER[year]
    koningsdag = date(year, 4, 27)
    if koningsdag.weekday() == 6:  # the 27th on a Sunday is celebrated on Saturday the 26th
        koningsdag = date(year, 4, 26)
    return {
        date(year, 1, 1),  # Nieuwjaarsdag
        easter - timedelta(days=2),  # Goede Vrijdag
        easter + timedelta(days=1),  # 2e Paasdag
        koningsdag,
        date(year, 5, 5),  # every year, not only lustrum years
        easter + timedelta(days=39),  # Hemelvaartsdag
        easter + timedelta(days=50),  # 2e Pinksterdag
        date(year, 12, 25),
        date(year, 12, 26),
    } | {d for d in FRIDAY_AFTER_HEMELVAART if d.year == year}


@pytest.mark.parametrize("year", range(2020, 2031))
def test_each_year_lists_exactly_the_atw_days(year):
    assert set(CAL.feestdagen(year)) == expected_atw_days(year)


def test_config_default_gelijkgestelde_dagen_are_the_fridays_after_hemelvaart():
    assert set(CONFIG.gelijkgestelde_dagen) == FRIDAY_AFTER_HEMELVAART
    for day in FRIDAY_AFTER_HEMELVAART:
        assert CAL.is_feestdag(day - timedelta(days=1)) == "Hemelvaartsdag"


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 5, 5), "Bevrijdingsdag"),  # 2026 is no lustrum year
        (date(2027, 5, 5), "Bevrijdingsdag"),
        (date(2026, 4, 3), "Goede vrijdag"),
        (date(2026, 4, 6), "Tweede paasdag"),
        (date(2026, 4, 27), "Koningsdag"),
        (date(2025, 4, 26), "Koningsdag"),  # 27 april 2025 is a Sunday
        (date(2025, 4, 27), None),
        (date(2026, 5, 15), GELIJKGESTELDE_DAG),
        (date(2026, 4, 5), None),  # Eerste Paasdag: a Sunday, not in the Atw list
        (date(2026, 5, 24), None),  # Eerste Pinksterdag, likewise
        (date(2026, 12, 24), None),  # Kerstavond is an ordinary werkdag
        (date(2026, 12, 31), None),
    ],
)
def test_is_feestdag_names_the_day(day, name):
    assert CAL.is_feestdag(day) == name


def test_gelijkgestelde_dagen_come_only_from_configuration():
    bare = AtwCalendar([])
    assert bare.is_feestdag(date(2026, 5, 15)) is None
    assert bare.is_werkdag(date(2026, 5, 15))
    assert not CAL.is_werkdag(date(2026, 5, 15))


def test_shift_explained_lists_each_skipped_day():
    # Goede Vrijdag 3 april 2026, the weekend, 2e Paasdag 6 april: first werkdag Tuesday 7th.
    assert CAL.shift_explained(date(2026, 4, 3)) == (
        date(2026, 4, 7),
        [
            (date(2026, 4, 3), "Goede vrijdag"),
            (date(2026, 4, 4), "zaterdag"),
            (date(2026, 4, 5), "zondag"),
            (date(2026, 4, 6), "Tweede paasdag"),
        ],
    )
    assert CAL.shift_explained(date(2026, 4, 7)) == (date(2026, 4, 7), [])


def test_hemelvaart_2027_right_after_5_mei_chains_five_days():
    # 5 mei (Wed), Hemelvaart (Thu 6th), gelijkgesteld (Fri 7th), weekend -> Monday 10 mei.
    assert CAL.next_werkdag_on_or_after(date(2027, 5, 5)) == date(2027, 5, 10)


def test_add_werkdagen_across_christmas_and_new_year():
    # After Fri 18 Dec 2026: 21,22,23,24 (1-4), 25/26/27 kerst+weekend, 28,29,30,31 (5-8),
    # 1 jan Nieuwjaarsdag, 2/3 weekend, Mon 4 jan (9), Tue 5 jan (10).
    assert CAL.add_werkdagen(date(2026, 12, 18), 10) == date(2027, 1, 5)
    assert CAL.add_werkdagen(date(2026, 12, 18), 0) == date(2026, 12, 18)
    with pytest.raises(ValueError, match="count back"):
        CAL.add_werkdagen(date(2026, 12, 18), -1)


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@given(days)
def test_shift_lands_on_the_first_werkdag(day):
    shifted = CAL.next_werkdag_on_or_after(day)
    assert CAL.is_werkdag(shifted)
    assert all(not CAL.is_werkdag(day + timedelta(n)) for n in range((shifted - day).days))


@given(days, st.integers(min_value=1, max_value=40))
def test_add_werkdagen_counts_exactly_n_werkdagen_after_the_day(day, n):
    end = CAL.add_werkdagen(day, n)
    assert CAL.is_werkdag(end)
    between = [day + timedelta(k) for k in range(1, (end - day).days + 1)]
    assert sum(CAL.is_werkdag(d) for d in between) == n


def _stepwise_reason(cal: AtwCalendar, day: date) -> str | None:
    """Why no werkdag, computed per call from the year's feestdagen (the tables' reference)."""
    return cal.feestdagen(day.year).get(day) or {5: "zaterdag", 6: "zondag"}.get(day.weekday())


def _stepwise_add(cal: AtwCalendar, day: date, n: int) -> date:
    while n > 0:
        day += timedelta(days=1)
        if _stepwise_reason(cal, day) is None:
            n -= 1
    return day


@given(days, st.integers(min_value=0, max_value=800))
def test_day_tables_answer_as_the_day_by_day_computation(day, n):
    assert CAL.is_feestdag(day) == CAL.feestdagen(day.year).get(day)
    assert CAL.non_werkdag_reason(day) == _stepwise_reason(CAL, day)
    assert CAL.is_werkdag(day) == (_stepwise_reason(CAL, day) is None)
    assert CAL.add_werkdagen(day, n) == _stepwise_add(CAL, day, n)
    shifted = day
    while _stepwise_reason(CAL, shifted) is not None:
        shifted += timedelta(days=1)
    assert CAL.next_werkdag_on_or_after(day) == shifted


def test_day_tables_built_in_any_year_order_cross_year_ends():
    # A fresh calendar asked about a later year first, then across the end of an earlier one.
    cal = AtwCalendar(CONFIG.gelijkgestelde_dagen)
    assert cal.add_werkdagen(date(2028, 12, 29), 1) == date(2029, 1, 2)  # Nieuwjaarsdag skipped
    assert cal.add_werkdagen(date(2026, 12, 18), 10) == date(2027, 1, 5)
    assert cal.add_werkdagen(date(2026, 12, 31), 260) == _stepwise_add(cal, date(2026, 12, 31), 260)
    assert cal.next_werkdag_on_or_after(date(2027, 12, 25)) == date(2027, 12, 27)
    assert cal.shift_explained(date(2027, 12, 31))[0] == date(2027, 12, 31)
