"""Row validation of vroegsignalen: every problem named by row and field, no value echoed."""

from __future__ import annotations

from datetime import date

import pytest

from services.signals.rules.validation import RowProblem, ValidSignal, validate_row
from shared.core.ddas import Signaalpartner

TODAY = date(2026, 3, 15)
GOOD = {
    "signaal_id": "VS-2026-0001",
    "signaalpartner": "CAK Zorgverzekeringen",
    "bedrag": "450,50",
    "ontstaansdatum": "2026-01-10",
    "signaaldatum": "2026-03-01",
    "crisissignaal": "nee",
    "bsn": "1234.56.782",
    "achternaam": "Dijk",
    "geboortedatum": "15-06-1985",
    "postcode": "5701 ab",
    "huisnummer": "10",
    "toevoeging": "A",
}


def problems(**changes: object) -> list[tuple[str, str]]:
    found = validate_row({**GOOD, **changes}, 7, TODAY)
    assert isinstance(found, list), "expected problems"
    assert all(p.row == 7 for p in found)
    return [(p.field, p.reason) for p in found]


def test_a_good_row_is_normalised() -> None:
    signal = validate_row(GOOD, 1, TODAY)
    assert isinstance(signal, ValidSignal)
    assert signal.signaalpartner is Signaalpartner.CAK_ZORGVERZEKERINGEN
    assert signal.bedrag == 450.5
    assert signal.identity.postcode == "5701AB"
    assert signal.identity.bsn == "123456782"
    assert signal.identity.geboortedatum == date(1985, 6, 15)
    assert (signal.crisis, signal.warme_overdracht) == (False, False)


def test_a_bsn_is_optional_but_must_pass_the_elfproef_when_given() -> None:
    assert isinstance(validate_row({**GOOD, "bsn": ""}, 1, TODAY), ValidSignal)
    assert problems(bsn="123456789") == [
        ("bsn", "is not a valid BSN (9 digits that pass the 11-proef)")
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"postcode": "57011AB"}, "postcode"),
        ({"postcode": "5701"}, "postcode"),
        ({"postcode": None}, "postcode"),
        ({"huisnummer": "0"}, "huisnummer"),
        ({"huisnummer": "10a"}, "huisnummer"),
        ({"toevoeging": "A/B"}, "toevoeging"),
        ({"bedrag": "-1"}, "bedrag"),
        ({"bedrag": "veel"}, "bedrag"),
        ({"bedrag": ""}, "bedrag"),
        ({"signaalpartner": "Bank"}, "signaalpartner"),
        ({"signaaldatum": "2026-02-30"}, "signaaldatum"),
        ({"signaaldatum": "2026-03-16"}, "signaaldatum"),
        ({"signaaldatum": "2026-01-09"}, "signaaldatum"),
        ({"geboortedatum": "2030-01-01"}, "geboortedatum"),
        ({"crisissignaal": "misschien"}, "crisissignaal"),
        ({"signaal_id": "a  b"}, "signaal_id"),
    ],
)
def test_each_bad_field_is_named(changes: dict[str, object], field: str) -> None:
    assert [f for f, _ in problems(**changes)] == [field]


def test_every_problem_of_a_row_is_reported_and_no_value_is_echoed() -> None:
    bad = {"bsn": "111222334", "postcode": "XXXX99", "bedrag": "-5", "achternaam": "x" * 300}
    found = validate_row({**GOOD, **bad}, 3, TODAY)
    assert isinstance(found, list)
    assert {p.field for p in found} == {"bsn", "postcode", "bedrag", "achternaam"}
    for p in found:
        assert isinstance(p, RowProblem)
        assert not any(str(v) in p.reason for v in bad.values())


def test_json_values_are_accepted_as_they_come() -> None:
    row = {**GOOD, "bedrag": 450, "crisissignaal": True, "huisnummer": 10}
    signal = validate_row(row, 1, TODAY)
    assert isinstance(signal, ValidSignal)
    assert (signal.bedrag, signal.crisis, signal.identity.huisnummer) == (450.0, True, "10")


def test_a_client_may_be_limited_to_its_own_signaalpartner_types() -> None:
    found = validate_row(GOOD, 2, TODAY, allowed_partners={Signaalpartner.ENERGIE})
    assert isinstance(found, list)
    assert [p.field for p in found] == ["signaalpartner"]
