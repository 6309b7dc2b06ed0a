"""The privacy edge: postcode -> wijk, client -> pseudonyms, and errors that echo nothing."""

from __future__ import annotations

import json
import traceback

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from shared.contract.events import (
    EventValidationError,
    accept_at_edge,
    parse_stored_event,
    to_binary_record,
    to_structured_record,
)
from shared.contract.events.examples import HUISHOUDEN, OMIT, TEST_BSN, example_event
from shared.contract.events.zaak import ZaakAangemeld
from shared.core.domain_config import ONBEKEND, DomainConfig, load_domain_config
from shared.core.pseudonym import Pseudonymiser
from shared.platform.settings import DEFAULT_DOMAIN_CONFIG

BAD_BSN = "123456789"  # fails the 11-proef
NAME = "Pietje Puk-Jansen"


@pytest.fixture(scope="module")
def domain() -> DomainConfig:
    return load_domain_config(DEFAULT_DOMAIN_CONFIG)


@pytest.fixture(scope="module")
def pseudonymiser() -> Pseudonymiser:
    return Pseudonymiser(SecretStr("unit-test-key"), "v1")


def intake(**data: object) -> dict[str, object]:
    return example_event("zaak.aangemeld", form="intake", **data)


def aangemeld(event: object) -> ZaakAangemeld:
    assert isinstance(event, ZaakAangemeld)
    return event


def rejected(
    raw: object, domain: DomainConfig, pseudonymiser: Pseudonymiser
) -> EventValidationError:
    with pytest.raises(EventValidationError) as caught:
        accept_at_edge(raw, domain, pseudonymiser)
    return caught.value


def test_a_postcode_becomes_its_wijk_and_is_dropped(
    domain: DomainConfig, pseudonymiser: Pseudonymiser
) -> None:
    event = accept_at_edge(intake(client=OMIT, postcode="5703 AB"), domain, pseudonymiser)
    data = aangemeld(event.data)
    assert data.wijk == "Helmond-Noord"
    assert b"5703" not in event.to_json() and b"postcode" not in event.to_json()


@pytest.mark.parametrize(
    ("sent", "wijk"),
    [
        ({"wijk": "brandevoort"}, "Brandevoort"),
        ({"wijk": "Atlantis"}, ONBEKEND),
        ({"postcode": "1012AB"}, ONBEKEND),
        ({"postcode": "geen idee"}, ONBEKEND),
        ({"postcode": "1012AB", "wijk": "Stiphout"}, "Stiphout"),
        ({"postcode": "5704AA", "wijk": "Stiphout"}, "Stiphout"),
        ({"postcode": "5701AA", "wijk": "Stiphout"}, "Binnenstad"),
    ],
)
def test_the_wijk_is_resolved_never_dropped(
    sent: dict[str, str], wijk: str, domain: DomainConfig, pseudonymiser: Pseudonymiser
) -> None:
    raw = intake(**{"client": OMIT, "postcode": OMIT, **sent})
    assert aangemeld(accept_at_edge(raw, domain, pseudonymiser).data).wijk == wijk


def test_a_wijk_postcode_or_client_address_is_required(
    domain: DomainConfig, pseudonymiser: Pseudonymiser
) -> None:
    error = rejected(intake(client=OMIT, postcode=OMIT), domain, pseudonymiser)
    assert [(p["field"], p["type"]) for p in error.problems] == [("data", "wijk_missing")]


def test_the_client_block_becomes_pseudonyms_and_nothing_personal_is_left(
    domain: DomainConfig, pseudonymiser: Pseudonymiser
) -> None:
    client = {"bsn": TEST_BSN, "postcode": "5708 zx", "huisnummer": 12, "toevoeging": "A"}
    event = accept_at_edge(intake(postcode=OMIT, client=client), domain, pseudonymiser)
    data = aangemeld(event.data)
    assert data.wijk == "Brandevoort"
    assert data.huishouden == pseudonymiser.huishouden("5708ZX", 12, "a")
    assert data.persoon == pseudonymiser.person_from_bsn(TEST_BSN)
    structured, binary = to_structured_record(event), to_binary_record(event)
    for blob in (event.to_json(), structured.value, binary.value, *(v for _, v in binary.headers)):
        for personal in (TEST_BSN, "5708", "zx", "ZX", "client", "bsn", "huisnummer", "toevoeging"):
            assert personal.encode() not in blob, personal
    assert parse_stored_event(event.to_json()) == event


def test_a_bsn_written_with_eight_digits_is_the_same_person(
    domain: DomainConfig, pseudonymiser: Pseudonymiser
) -> None:
    nine = accept_at_edge(intake(client={"bsn": "012345672"}), domain, pseudonymiser)
    eight = accept_at_edge(intake(client={"bsn": "12345672"}), domain, pseudonymiser)
    assert aangemeld(nine.data).persoon == aangemeld(eight.data).persoon is not None


@pytest.mark.parametrize(
    ("client", "field", "code"),
    [
        ({"bsn": BAD_BSN}, "data.client.bsn", "bsn_invalid"),
        ({"postcode": "5708ZX"}, "data.client", "client_address"),
        ({}, "data.client", "client_empty"),
        ({"postcode": "5708ZX", "huisnummer": "12a"}, "data.client.huisnummer", "int_type"),
        ({"bsn": TEST_BSN, "naam": NAME}, "data.client.naam", "extra_forbidden"),
    ],
)
def test_a_bad_client_block_is_named(
    client: dict[str, object],
    field: str,
    code: str,
    domain: DomainConfig,
    pseudonymiser: Pseudonymiser,
) -> None:
    error = rejected(intake(client=client), domain, pseudonymiser)
    assert [(p["field"], p["type"]) for p in error.problems] == [(field, code)]


def test_a_pseudonym_and_a_client_address_for_the_same_household_conflict(
    domain: DomainConfig, pseudonymiser: Pseudonymiser
) -> None:
    error = rejected(intake(huishouden=HUISHOUDEN), domain, pseudonymiser)
    assert [p["type"] for p in error.problems] == ["huishouden_twice"]


def test_errors_never_echo_personal_values(
    domain: DomainConfig, pseudonymiser: Pseudonymiser
) -> None:
    raw = intake(
        client={"bsn": BAD_BSN, "postcode": NAME, "huisnummer": NAME}, naam=NAME, datum=NAME
    )
    raw["data"][TEST_BSN] = "x"  # type: ignore[index]
    raw["subject"] = TEST_BSN
    error = rejected(json.dumps(raw).encode(), domain, pseudonymiser)
    assert len(error.problems) >= 5
    assert any(p["field"] == "data.<key>" for p in error.problems)
    assert error.__cause__ is None and error.__suppress_context__
    shown = [
        str(error),
        repr(error),
        json.dumps(error.problems),
        *traceback.format_exception(error),
    ]
    for text in shown:
        for personal in (BAD_BSN, TEST_BSN, NAME, "Puk"):
            assert personal not in text


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text("0123456789", min_size=6, max_size=12))
def test_no_sent_value_is_ever_quoted(
    value: str, domain: DomainConfig, pseudonymiser: Pseudonymiser
) -> None:
    raw = intake(client={"bsn": value}, datum=value, wet=value, time=value, id=value)
    with pytest.raises(EventValidationError) as caught:
        accept_at_edge(raw, domain, pseudonymiser)
    assert value not in str(caught.value) and value not in json.dumps(caught.value.problems)


def test_a_type_that_is_not_a_string_is_an_unknown_type(
    domain: DomainConfig, pseudonymiser: Pseudonymiser
) -> None:
    error = rejected(example_event("zaak.hervat", type=["zaak.hervat"]), domain, pseudonymiser)
    assert [(p["field"], p["type"]) for p in error.problems] == [("type", "union_tag_invalid")]


def test_types_made_inside_wijkpuls_are_not_accepted(
    domain: DomainConfig, pseudonymiser: Pseudonymiser
) -> None:
    for name in ("alert.waarschuwing", "vroegsignaal.ontvangen"):
        error = rejected(example_event(name), domain, pseudonymiser)
        assert [(p["field"], p["type"]) for p in error.problems] == [("type", "type_not_accepted")]


def test_other_intake_types_pass_through_unchanged(
    domain: DomainConfig, pseudonymiser: Pseudonymiser
) -> None:
    raw = example_event("zorg.toegewezen")
    assert accept_at_edge(raw, domain, pseudonymiser) == parse_stored_event(raw)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{not json", "is not valid JSON"),
        (b'{"id": 1, "id": 2}', "has a duplicate key"),
        (b"\xff\xfe{}", "is not UTF-8 text"),
        (b'{"bedrag": NaN}', "is not valid JSON"),
        (b"[]", "must be a JSON object"),
    ],
)
def test_undecodable_input_gets_a_plain_reason(
    raw: bytes, reason: str, domain: DomainConfig, pseudonymiser: Pseudonymiser
) -> None:
    assert [p["reason"] for p in rejected(raw, domain, pseudonymiser).problems] == [reason]
