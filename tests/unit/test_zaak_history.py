"""Per-zaak facts: duplicates once, any arrival order the same, corrections by latest time."""

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.core.domain.fact import Fact
from shared.core.domain.history import ZaakHistory
from shared.core.domain_config import Wet

T0 = datetime(2026, 1, 8, 9, 0, tzinfo=UTC)


def fact(event_type, datum, id, minutes=0, source="urn:test:wmo", **attrs):
    return Fact(
        event_type, source, id, T0 + timedelta(minutes=minutes), date.fromisoformat(datum), **attrs
    )


AANGEMELD = fact("zaak.aangemeld", "2026-01-08", "a1", wet=Wet.WMO, soort="melding", wijk="Warande")
BESLOTEN = fact("zaak.besloten", "2026-03-01", "b1", minutes=10, uitkomst="toegekend")


def test_duplicate_same_source_and_id_counts_once():
    history = ZaakHistory().add(AANGEMELD).add(BESLOTEN)
    assert history.add(BESLOTEN) is history
    assert len(history.facts) == 2


def test_same_id_from_another_source_is_another_event():
    other = fact("zaak.opgeschort", "2026-02-01", "b1", source="urn:test:other")
    assert len(ZaakHistory.of([BESLOTEN, other]).facts) == 2


def test_correction_with_later_time_wins():
    correction = fact("zaak.besloten", "2026-03-10", "b2", minutes=60, uitkomst="afgewezen")
    for order in ([BESLOTEN, correction], [correction, BESLOTEN]):
        current = ZaakHistory.of(order).current("zaak.besloten")
        assert current == correction


def test_equal_times_greater_id_wins():
    x = fact("zaak.besloten", "2026-03-01", "x", minutes=10)
    y = fact("zaak.besloten", "2026-03-09", "y", minutes=10)
    assert ZaakHistory.of([y, x]).current("zaak.besloten") == y


def test_equal_instants_in_other_offsets_tie_on_id():
    cet = timezone(timedelta(hours=1))
    x = Fact("zaak.besloten", "urn:s", "x", T0.astimezone(cet), date(2026, 3, 1))
    w = Fact("zaak.besloten", "urn:s", "w", T0, date(2026, 3, 9))
    assert ZaakHistory.of([x, w]).current("zaak.besloten") == x


def test_multi_valued_facts_all_count():
    op1 = fact("zaak.opgeschort", "2026-02-01", "o1")
    op2 = fact("zaak.opgeschort", "2026-02-20", "o2", minutes=5)
    history = ZaakHistory.of([op2, op1, op1])
    assert history.all("zaak.opgeschort") == [op1, op2]
    with pytest.raises(ValueError, match="not single-valued"):
        history.current("zaak.opgeschort")


def test_as_of_drops_facts_dated_after_the_peildatum():
    history = ZaakHistory.of([AANGEMELD, BESLOTEN])
    assert history.as_of(date(2026, 2, 28)).current("zaak.besloten") is None
    assert history.as_of(date(2026, 3, 1)) == history


def test_as_of_applies_the_correction_before_the_peildatum():
    # The besluit of 1 March was corrected to 10 March: on 5 March there was no besluit yet.
    correction = fact("zaak.besloten", "2026-03-10", "b2", minutes=60)
    history = ZaakHistory.of([AANGEMELD, BESLOTEN, correction])
    assert history.as_of(date(2026, 3, 5)).current("zaak.besloten") is None


def test_naive_time_is_refused():
    with pytest.raises(ValueError, match="UTC offset"):
        Fact("zaak.aangemeld", "urn:s", "1", datetime(2026, 1, 1), date(2026, 1, 1))


def test_full_type_name_is_shortened_and_unknown_data_dropped():
    made = Fact.from_event(
        "nl.helmond.sociaaldomein.zaak.aangemeld",
        "urn:s",
        "1",
        T0,
        {
            "zaak_id": "Z1",
            "wet": "jeugdwet",
            "soort": "aanvraag",
            "datum": "2026-01-08",
            "wijk": "Stiphout",
            "reden": "x",
        },
    )
    assert made.event_type == "zaak.aangemeld"
    assert made.wet is Wet.JEUGDWET
    assert made.to_dict() == {
        "type": "zaak.aangemeld",
        "source": "urn:s",
        "id": "1",
        "time": T0.isoformat(),
        "datum": "2026-01-08",
        "wet": "jeugdwet",
        "soort": "aanvraag",
        "wijk": "Stiphout",
    }


def test_from_dict_refuses_unknown_fields():
    with pytest.raises(ValueError, match="unknown fact fields"):
        Fact.from_dict({**AANGEMELD.to_dict(), "bsn": "x"})


event_types = st.sampled_from(
    ["zaak.aangemeld", "zaak.besloten", "zaak.opgeschort", "zaak.hervat", "zaak.verdaagd"]
)
facts = st.builds(
    Fact,
    event_type=event_types,
    source=st.sampled_from(["urn:a", "urn:b"]),
    id=st.text("0123456789abcdef", min_size=1, max_size=3),
    time=st.datetimes(
        min_value=datetime(2025, 1, 1),
        max_value=datetime(2027, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=2))]),
    ),
    datum=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 1, 1)),
    wet=st.none() | st.sampled_from(list(Wet)),
    crisis=st.none() | st.booleans(),
    uitkomst=st.none() | st.sampled_from(["toegekend", "ingetrokken"]),
    dagen=st.none() | st.integers(0, 60),
)


@given(st.lists(facts, max_size=8), st.randoms())
def test_any_arrival_order_gives_an_equal_history(items, rnd):
    shuffled = list(items)
    rnd.shuffle(shuffled)
    one, other = ZaakHistory(), ZaakHistory()
    for item in items:
        one = one.add(item)
    for item in shuffled + shuffled[:2]:  # and some redeliveries
        other = other.add(item)
    assert one == other == ZaakHistory.of(items)


@given(st.lists(facts, max_size=8))
def test_history_round_trips_through_json(items):
    history = ZaakHistory.of(items)
    raw = json.loads(json.dumps(history.to_dict()))
    assert ZaakHistory.from_dict(raw) == history


def _current_by_scan(history, event_type):
    """The correction rule as it was written before the history kept an index."""
    candidates = [f for f in history.facts if f.event_type == event_type]
    return max(candidates, key=lambda f: (f.time, f.id)) if candidates else None


@given(st.lists(facts, max_size=8), st.dates(date(2025, 1, 1), date(2027, 1, 1)))
def test_the_kept_answers_equal_a_fresh_scan(items, peildatum):
    """current/all/as_of come from an index computed once per history: the same answers as a
    scan of the facts, on the history and on its as_of, asked once or twice."""
    from shared.core.domain.fact import SINGLE_VALUED

    history = ZaakHistory.of(items)
    for _ in range(2):
        for event_type in {f.event_type for f in items} | set(SINGLE_VALUED):
            if event_type in SINGLE_VALUED:
                assert history.current(event_type) == _current_by_scan(history, event_type)
            else:
                assert history.all(event_type) == [
                    f for f in history.facts if f.event_type == event_type
                ]
        known = history.as_of(peildatum)
        assert known is history.as_of(peildatum)
        assert known == ZaakHistory.of(items).as_of(peildatum)
        assert all(f.datum <= peildatum for f in known.facts)


def test_the_index_is_no_part_of_equality_or_the_stored_form():
    history = ZaakHistory().add(AANGEMELD).add(BESLOTEN)
    fresh = ZaakHistory.of([AANGEMELD, BESLOTEN])
    history.current("zaak.besloten")
    history.as_of(date(2026, 2, 1))
    assert history == fresh and hash(history) == hash(fresh)
    assert history.to_dict() == fresh.to_dict()
    assert history.all("zaak.opgeschort") is not history.all("zaak.opgeschort")  # a new list
