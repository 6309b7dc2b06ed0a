from pathlib import Path

import pytest
import yaml

from shared.core.domain_config import (
    ONBEKEND,
    DomainConfigError,
    Wet,
    load_domain_config,
    normalise_postcode,
)
from shared.platform.settings import DEFAULT_DOMAIN_CONFIG

CONTRACT_WIJKEN = {
    "Binnenstad",
    "Helmond-West",
    "Helmond-Noord",
    "Helmond-Oost",
    "Warande",
    "Stiphout",
    "Mierlo-Hout",
    "Rijpelberg",
    "Dierdonk",
    "Brouwhuis",
    "Brandevoort",
    "Industriegebied",
}


@pytest.fixture(scope="module")
def config():
    return load_domain_config(DEFAULT_DOMAIN_CONFIG)


def test_default_config_has_every_wijk_of_the_brief(config):
    assert set(config.wijk_names) == CONTRACT_WIJKEN


def test_default_terms_match_the_brief(config):
    terms = {c.id: (c.term.amount, c.term.unit, c.warning_days) for c in config.clocks}
    assert terms["wmo-onderzoek"] == (6, "weeks", 7)
    assert terms["wmo-aanvraag"] == (2, "weeks", None)
    assert terms["wmo-besluit"] == (8, "weeks", 14)
    assert terms["jeugdwet-besluit"] == (8, "weeks", 14)
    assert terms["participatiewet-besluit"] == (8, "weeks", 14)
    assert terms["wgs-eerste-gesprek"] == (4, "weeks", 7)
    assert terms["wgs-besluit"] == (8, "weeks", 14)
    assert terms["sth-opgepakt"] == (10, "werkdagen", None)
    crisis = next(c for c in config.clocks if c.id == "wgs-eerste-gesprek").crisis_term
    assert (crisis.amount, crisis.unit) == (3, "werkdagen")


def test_only_besluit_clocks_know_opschorting(config):
    besluit = {c.id for c in config.clocks if c.is_besluit_clock}
    assert besluit == {
        "wmo-aanvraag",
        "wmo-besluit",
        "jeugdwet-besluit",
        "participatiewet-besluit",
        "wgs-besluit",
    }
    assert {c.wet for c in config.clocks if c.headline} == set(Wet) - {Wet.STH}


@pytest.mark.parametrize(
    ("postcode", "wijk"),
    [
        ("5701AB", "Binnenstad"),
        ("5701 ab", "Binnenstad"),
        ("5703MZ", "Helmond-Noord"),
        ("5703NA", "Rijpelberg"),
        ("5709XX", "Brandevoort"),
        ("5702", "Helmond-Oost"),
        ("5703", ONBEKEND),  # a PC4 split over two wijken cannot be placed
        ("1012AB", ONBEKEND),
        ("not a postcode", ONBEKEND),
    ],
)
def test_postcode_resolves_to_a_wijk_or_onbekend(config, postcode, wijk):
    assert config.wijk_for_postcode(postcode) == wijk


def test_wijk_names_resolve_case_insensitively_unknown_is_onbekend(config):
    assert config.resolve_wijk(" helmond-west ") == "Helmond-West"
    assert config.resolve_wijk("Atlantis") == ONBEKEND
    assert config.resolve_wijk(None) == ONBEKEND


def test_normalise_postcode():
    assert normalise_postcode(" 5701ab ") == "5701AB"
    assert normalise_postcode("0701AB") is None
    assert normalise_postcode("5701") == "5701"


def _write(tmp_path: Path, mutate) -> Path:
    raw = yaml.safe_load(DEFAULT_DOMAIN_CONFIG.read_text())
    mutate(raw)
    path = tmp_path / "domain.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda r: r["clocks"][0]["term"].update(amount=0), "clocks.0.term.amount"),
        (lambda r: r["clocks"][0]["term"].update(unit="fortnights"), "clocks.0.term.unit"),
        (lambda r: r["clocks"][0].update(wet="belastingen"), "clocks.0.wet"),
        (lambda r: r["clocks"][0].update(tem="typo"), "clocks.0.tem"),
        (
            lambda r: r["wijken"][1]["postcodes"].append({"van": "5701AA", "tot": "5701BB"}),
            "overlap",
        ),
        (lambda r: r["wijken"].append({"naam": "onbekend"}), "reserved"),
        (lambda r: r["retention"]["topics"].pop("dlq_days"), "retention.topics.dlq_days"),
        (lambda r: r.update(gelijkgestelde_dagen=["2026-13-01"]), "gelijkgestelde_dagen.0"),
    ],
)
def test_invalid_config_is_refused_naming_the_path(tmp_path, mutate, expected):
    with pytest.raises(DomainConfigError, match=expected.replace(".", r"\.")):
        load_domain_config(_write(tmp_path, mutate))


def test_missing_or_broken_file_is_a_clear_error(tmp_path):
    with pytest.raises(DomainConfigError, match="cannot read"):
        load_domain_config(tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("clocks: [unclosed")
    with pytest.raises(DomainConfigError, match="not valid YAML"):
        load_domain_config(broken)
