from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from shared.core.pseudonym import Pseudonymiser

P = Pseudonymiser(SecretStr("test-key"), "v1")


def test_household_ignores_case_spaces_and_accents():
    assert P.huishouden("5701 ab", 12, "a") == P.huishouden("5701AB", "12", "A")
    assert P.huishouden("5701AB", 12, None) == P.huishouden("5701AB", 12, "")


def test_pseudonym_depends_on_the_key_and_carries_its_version():
    other = Pseudonymiser(SecretStr("other-key"), "v2")
    assert P.person_from_bsn("111222333") != other.person_from_bsn("111222333")
    assert P.person_from_bsn("111222333").startswith("p-v1-")
    assert other.huishouden("5701AB", 1, None).startswith("hh-v2-")


def test_fields_cannot_run_into_each_other():
    assert P.huishouden("5701AB", "1", "2") != P.huishouden("5701AB", "12", "")


def test_identity_pseudonym_uses_name_birthdate_and_address():
    a = P.person_from_identity("de Vries", date(1980, 1, 2), "5701AB", 1, None)
    assert a == P.person_from_identity("De  Vries", date(1980, 1, 2), "5701ab", "1", "")
    assert a != P.person_from_identity("de Vries", date(1980, 1, 3), "5701AB", 1, None)


@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_no_bsn_digits_survive_in_the_pseudonym(bsn):
    pseudonym = P.person_from_bsn(bsn)
    assert bsn not in pseudonym
    assert len(pseudonym) == len("p-v1-") + 32
