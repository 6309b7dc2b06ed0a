"""The catalog: every type has a valid example, and the data models refuse what they must."""

from __future__ import annotations

import pytest

from shared.contract.events import (
    CATALOG,
    CATALOG_VERSION,
    EVENT_TYPES,
    TYPE_PREFIX,
    EventValidationError,
    parse_stored_event,
    topic_for,
)
from shared.contract.events.examples import OMIT, example_event
from shared.contract.topics import Topic
from shared.core.ddas import (
    CONTACTPOGING_SOORT_TEXT,
    DAGDEEL_TEXT,
    HULP_GEACCEPTEERD,
    RESULTAAT_TEXT,
    SIGNAALPARTNER_TEXT,
    ContactpogingSoort,
    Dagdeel,
    Resultaat,
    Signaalpartner,
    slugify,
)

CONTRACT_TYPES = {
    "zaak.aangemeld", "zaak.onderzoek-afgerond", "zaak.aanvraag-ontvangen",
    "zaak.eerste-contact", "zaak.opgeschort", "zaak.hervat", "zaak.verdaagd", "zaak.besloten",
    "zorg.toegewezen", "zorg.gestart", "zorg.beeindigd", "zaak.afgesloten",
    "vroegsignaal.ontvangen", "vroegsignaal.contactpoging", "vroegsignaal.resultaat",
    "alert.waarschuwing", "alert.termijn-overschreden", "alert.opgelost-na-termijn",
}  # fmt: skip
TYPE_NAMES = [spec.name for spec in CATALOG]


def problems(raw: object) -> list[tuple[str, str]]:
    with pytest.raises(EventValidationError) as caught:
        parse_stored_event(raw)
    return [(p["field"], p["type"]) for p in caught.value.problems]


def test_the_catalog_is_the_brief_s_table() -> None:
    assert set(EVENT_TYPES) == {TYPE_PREFIX + name for name in CONTRACT_TYPES}
    assert CATALOG_VERSION == "1.1.0"


@pytest.mark.parametrize("name", TYPE_NAMES)
def test_every_type_has_a_valid_example(name: str) -> None:
    event = parse_stored_event(example_event(name))
    assert event.type == TYPE_PREFIX + name
    assert isinstance(event.data, EVENT_TYPES[event.type])


@pytest.mark.parametrize("name", TYPE_NAMES)
def test_an_unknown_data_field_is_refused_by_name(name: str) -> None:
    assert ("data.opmerking", "extra_forbidden") in problems(example_event(name, opmerking="x"))


@pytest.mark.parametrize("name", TYPE_NAMES)
def test_a_missing_datum_is_named(name: str) -> None:
    assert problems(example_event(name, datum=OMIT)) == [("data.datum", "missing")]


@pytest.mark.parametrize(
    "value",
    ["2026-02-30", "02-03-2026", "2026-03-02T00:00:00", "20260302", 1772409600, "0202-03-02"],
)
def test_a_datum_must_be_a_real_iso_date(value: object) -> None:
    found = problems(example_event("zaak.besloten", datum=value))
    assert [field for field, _ in found] == ["data.datum"]


@pytest.mark.parametrize(
    ("name", "field", "value"),
    [
        ("zaak.aangemeld", "wet", "WMO"),
        ("zaak.aangemeld", "soort", "verzoek"),
        ("zaak.besloten", "uitkomst", "geweigerd"),
        ("vroegsignaal.ontvangen", "signaalpartner", "Energie"),
        ("vroegsignaal.contactpoging", "soort", "fax"),
        ("vroegsignaal.contactpoging", "dagdeel", "nacht"),
        ("vroegsignaal.resultaat", "resultaat", "geholpen"),
        ("alert.waarschuwing", "wet", "awb"),
    ],
)
def test_an_unknown_enum_value_is_named(name: str, field: str, value: str) -> None:
    assert problems(example_event(name, **{field: value})) == [(f"data.{field}", "enum")]


@pytest.mark.parametrize(
    ("name", "field", "value"),
    [
        ("zaak.verdaagd", "dagen", 0),
        ("zaak.verdaagd", "dagen", -3),
        ("zaak.verdaagd", "dagen", "42"),
        ("zaak.verdaagd", "dagen", 4.5),
        ("vroegsignaal.ontvangen", "bedrag", -0.01),
        ("vroegsignaal.ontvangen", "bedrag", "412.50"),
        ("zaak.afgesloten", "verwezen", "false"),
        ("zaak.afgesloten", "verwezen", 0),
        ("vroegsignaal.ontvangen", "crisis", "ja"),
        ("zaak.besloten", "zaak_id", ""),
        ("zaak.besloten", "zaak_id", 123),
        ("zaak.besloten", "zaak_id", " Z-1"),
        ("zaak.opgeschort", "reden", "De aanvrager, mevrouw X, belde"),
    ],
)
def test_values_are_strict(name: str, field: str, value: object) -> None:
    assert [f for f, _ in problems(example_event(name, **{field: value}))] == [f"data.{field}"]


def test_the_stored_aangemeld_has_no_room_for_a_postcode_or_client() -> None:
    raw = example_event("zaak.aangemeld", postcode="5708ZX", client={"bsn": "999993653"})
    assert set(problems(raw)) == {
        ("data.postcode", "extra_forbidden"),
        ("data.client", "extra_forbidden"),
    }


@pytest.mark.parametrize("field", ["huishouden", "persoon"])
def test_a_pseudonym_field_refuses_a_bsn(field: str) -> None:
    found = problems(example_event("zaak.aangemeld", **{field: "999993653"}))
    assert found == [(f"data.{field}", "bsn_not_allowed")]


def test_zorg_product_is_closed_too() -> None:
    product = {"categorie": "02", "omschrijving": "Hulp bij het huishouden"}
    found = problems(example_event("zorg.toegewezen", product=product))
    assert found == [("data.product.omschrijving", "extra_forbidden")]


@pytest.mark.parametrize(
    ("name", "topic"),
    [("zaak.besloten", Topic.EVENTS), ("zorg.gestart", Topic.EVENTS),
     ("vroegsignaal.ontvangen", Topic.VROEGSIGNALEN), ("alert.waarschuwing", Topic.ALERTS)],
)  # fmt: skip
def test_each_type_has_its_topic(name: str, topic: Topic) -> None:
    assert topic_for(name) is topic
    assert topic_for(TYPE_PREFIX + name) is topic


@pytest.mark.parametrize(
    ("enum", "texts"),
    [
        (Signaalpartner, SIGNAALPARTNER_TEXT),
        (ContactpogingSoort, CONTACTPOGING_SOORT_TEXT),
        (Dagdeel, DAGDEEL_TEXT),
        (Resultaat, RESULTAAT_TEXT),
    ],
)
def test_every_ddas_slug_is_the_slug_of_its_ddas_text(enum: type, texts: dict[object, str]) -> None:
    assert set(texts) == set(enum)
    assert all(member.value == slugify(text) for member, text in texts.items())


def test_accepted_help_is_the_two_vervolghulp_values() -> None:
    assert {RESULTAAT_TEXT[r] for r in HULP_GEACCEPTEERD} == {
        "Vervolghulp en/of verwijzing financieel",
        "Vervolghulp en/of verwijzing niet financieel",
    }
