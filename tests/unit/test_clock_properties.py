"""Properties of the clocks that must hold for every date, not just the worked examples."""

from datetime import UTC, date, datetime, timedelta
from itertools import permutations

from hypothesis import given
from hypothesis import strategies as st

from shared.core.domain.calendar import AtwCalendar
from shared.core.domain.clock import compute_clock
from shared.core.domain.fact import Fact
from shared.core.domain.history import ZaakHistory
from shared.core.domain_config import Wet, load_domain_config
from shared.platform.settings import DEFAULT_DOMAIN_CONFIG

CONFIG = load_domain_config(DEFAULT_DOMAIN_CONFIG)
CLOCKS = {c.id: c for c in CONFIG.clocks}
CAL = AtwCalendar(CONFIG.gelijkgestelde_dagen)
for _year in range(2019, 2032):  # build the cached years now, not inside a timed example
    CAL.feestdagen(_year)
WMO = CLOCKS["wmo-besluit"]
T0 = datetime(2026, 1, 1, tzinfo=UTC)

starts = st.dates(min_value=date(2020, 1, 1), max_value=date(2029, 6, 30))


def fact(event_type, datum, n, **attrs):
    return Fact(event_type, "urn:p", f"e{n}", T0 + timedelta(minutes=n), datum, **attrs)


def aangemeld(start, wet=Wet.WMO, **attrs):
    return fact("zaak.aangemeld", start, 0, wet=wet, soort="melding", **attrs)


def suspended(start, offset, n):
    op = start + timedelta(days=offset)
    return [fact("zaak.opgeschort", op, 1), fact("zaak.hervat", op + timedelta(days=n), 2)]


@given(starts, st.integers(0, 56), st.integers(0, 60))
def test_suspension_on_or_before_the_unshifted_due_moves_it_by_exactly_its_days(start, k, n):
    plain = compute_clock(WMO, ZaakHistory.of([aangemeld(start)]), CAL)
    moved = compute_clock(WMO, ZaakHistory.of([aangemeld(start), *suspended(start, k, n)]), CAL)
    assert plain is not None and moved is not None
    assert moved.due_before_shift == plain.due_before_shift + timedelta(days=n)
    assert moved.counted_suspended_days == n


@given(starts, st.integers(1, 30), st.integers(1, 60))
def test_suspension_after_the_shifted_due_moves_nothing(start, later, n):
    plain = compute_clock(WMO, ZaakHistory.of([aangemeld(start)]), CAL)
    assert plain is not None
    offset = (plain.due - start).days + later
    moved = compute_clock(
        WMO, ZaakHistory.of([aangemeld(start), *suspended(start, offset, n)]), CAL
    )
    assert moved is not None
    assert (moved.due, moved.counted_suspended_days) == (plain.due, 0)


@given(starts, st.booleans())
def test_werkdagen_due_dates_are_werkdagen(start, crisis):
    for clock_id, wet in (("sth-opgepakt", Wet.STH), ("wgs-eerste-gesprek", Wet.WGS)):
        history = ZaakHistory.of([aangemeld(start, wet=wet, crisis=crisis)])
        result = compute_clock(CLOCKS[clock_id], history, CAL)
        assert result is not None
        assert CAL.is_werkdag(result.due)
        if result.crisis or clock_id == "sth-opgepakt":
            assert result.due == result.due_before_shift  # werkdagen need no Atw shift


moves = st.lists(
    st.tuples(
        st.sampled_from(["zaak.opgeschort", "zaak.hervat", "zaak.verdaagd"]),
        st.integers(-5, 120),
        st.integers(0, 42),
    ),
    max_size=6,
)


def random_history(start, items, besluit):
    facts = [aangemeld(start)]
    for n, (event_type, offset, days) in enumerate(items, start=1):
        dagen = days if event_type == "zaak.verdaagd" else None
        facts.append(fact(event_type, start + timedelta(days=offset), n, dagen=dagen))
    if besluit is not None:
        facts.append(
            fact("zaak.besloten", start + timedelta(days=besluit), 99, uitkomst="toegekend")
        )
    return facts


@given(starts, moves, st.none() | st.integers(0, 150), st.sampled_from(sorted(CLOCKS)))
def test_every_due_date_is_a_werkdag_and_the_first_one_after_the_unshifted_due(
    start, items, besluit, clock_id
):
    history = ZaakHistory.of(random_history(start, items, besluit))
    result = compute_clock(CLOCKS[clock_id], history, CAL, peildatum=start + timedelta(days=160))
    if result is None:
        return
    assert CAL.is_werkdag(result.due)
    assert result.due == CAL.next_werkdag_on_or_after(result.due_before_shift)
    if result.doorlooptijd is not None:
        assert 0 <= result.doorlooptijd <= (result.stopped - result.start).days


@given(starts, moves, st.none() | st.integers(0, 150), st.data())
def test_adding_a_duplicate_fact_changes_nothing(start, items, besluit, data):
    facts = random_history(start, items, besluit)
    history = ZaakHistory.of(facts)
    again = history.add(data.draw(st.sampled_from(facts)))
    assert again == history
    assert compute_clock(WMO, again, CAL) == compute_clock(WMO, history, CAL)


def test_every_arrival_order_of_a_realistic_zaak_gives_the_same_result():
    # Melding Thu 8 Jan 2026, opschorting 2..16 Feb (14), verdaging 20 Feb +28 days,
    # besluit 1 Apr corrected (later time) to 9 Apr: 5 Mar + 14 + 28 = Thu 16 Apr, on time.
    d = date.fromisoformat
    facts = [
        aangemeld(d("2026-01-08")),
        fact("zaak.opgeschort", d("2026-02-02"), 1),
        fact("zaak.hervat", d("2026-02-16"), 2),
        fact("zaak.verdaagd", d("2026-02-20"), 3, dagen=28),
        fact("zaak.besloten", d("2026-04-01"), 4, uitkomst="toegekend"),
        fact("zaak.besloten", d("2026-04-09"), 5, uitkomst="afgewezen"),
    ]
    expected = compute_clock(WMO, ZaakHistory.of(facts), CAL)
    assert expected is not None
    assert (expected.due, expected.stopped, expected.tijdig, expected.doorlooptijd) == (
        d("2026-04-16"),
        d("2026-04-09"),
        True,
        91 - 14,
    )
    for order in permutations(facts):
        history = ZaakHistory()
        for item in order:
            history = history.add(item)
        assert compute_clock(WMO, history, CAL) == expected
