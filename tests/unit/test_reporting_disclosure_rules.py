"""The reporting side of disclosure control (docs/domain.md#small-numbers): each KPI's rules
against its definition, the parts rule of vroegsignalen, how a hidden cell is shown in JSON and
CSV, the cache, and what the API document says. The steps themselves are tested in
tests/unit/test_disclosure.py, the whole through HTTP and Redis in
tests/integration/test_reporting_disclosure.py."""

from __future__ import annotations

import random
from datetime import date

import pytest
from fixtures.disclosure_attacker import COLUMNS, MONTHS_OF, pinned_in

from services.reporting.app import create_app
from services.reporting.kpis.controlled import (
    Controlled,
    ControlledCache,
    ControlledCell,
    control,
    small_cells,
)
from services.reporting.kpis.disclosure_rules import PARTNER_FIGURES, RULES, rules_of
from services.reporting.kpis.present import cbs_codes, closed, csv_rows, shown_cell
from services.reporting.settings import Settings
from shared.core.domain_config import WijkConfig
from shared.core.kpi.disclosure import Disclosed, KpiDisclosure, Verborgen
from shared.core.kpi.registry import SERVED
from shared.platform.settings import get_domain_config

DOMAIN = get_domain_config()
T = DOMAIN.small_numbers.threshold


@pytest.mark.parametrize("name", sorted(SERVED))
def test_every_kpi_has_rules_that_match_its_definition(name: str) -> None:
    kpi, rules = SERVED[name], RULES[name]
    assert rules_of(kpi) is rules
    assert set(rules.counts) == set(kpi.counts)
    assert set(rules.derived) <= set(kpi.figure_docs) - set(kpi.counts)
    # Every figure that is not a count says what it is computed from (else it would be
    # withheld whenever any count of the cell is hidden).
    others = set(kpi.figure_docs) - set(kpi.counts) - {"clock"}
    assert others <= set(rules.derived), others - set(rules.derived)


def test_a_hidden_signaalpartner_count_hides_n_too() -> None:
    """n = 20 = n_huur 3 + n_energie 17: n_huur is "<5", and n beside n_energie and the other
    (zero) signaalpartner counts would give it away (20 - 17 - 0 ...), so n is hidden too."""
    figures = {f: 0 for f in ("n", "n_crisis", *PARTNER_FIGURES)}
    warande = {**figures, "n": 20, "n_huur": 3, "n_energie": 17}
    stiphout = {**figures, "n": 30, "n_energie": 30}
    gemeente = {**figures, "n": 50, "n_huur": 3, "n_energie": 47}
    cells = {}
    for periode in ("2026-03", "2026-H1", "2026"):
        cells[("wgs", "Warande", periode, None)] = warande
        cells[("wgs", "Stiphout", periode, None)] = stiphout
        cells[("wgs", "gemeente", periode, None)] = gemeente
    table = control("vroegsignalen", RULES["vroegsignalen"], cells, DOMAIN)
    hidden = table.cells[("wgs", "Warande", "2026-03", None)].hidden
    assert hidden["n_huur"] == "primair" and hidden["n"] == "secundair"
    # Without the parts tie the module would leave n shown.
    rules = RULES["vroegsignalen"]
    alone = control("x", KpiDisclosure(rules.counts, rules.shares, rules.derived), cells, DOMAIN)
    assert "n" not in alone.cells[("wgs", "Warande", "2026-03", None)].hidden


def test_a_hidden_cell_is_marked_in_json_and_csv() -> None:
    cell = ControlledCell(
        {"n": 20, "n_tijdig": 17, "tijdig_pct": 85.0, "median": 40, "p90": 60},
        {"n_tijdig": "complement", "tijdig_pct": "afgeleid"},
    )
    key = ("wmo", "Warande", "2026-03", None)
    codes = cbs_codes(DOMAIN)
    shown = shown_cell(key, cell, controlled=True, threshold=T, codes=codes)
    assert shown == {
        "wet": "wmo",
        "wijk": "Warande",
        "cbs_code": "WK079409",
        "periode": "2026-03",
        "n": 20,
        "n_tijdig": "x",
        "tijdig_pct": None,
        "median": 40,
        "p90": 60,
        "verborgen": {"n_tijdig": "complement", "tijdig_pct": "afgeleid"},
    }
    assert csv_rows([shown]) == [
        {
            "wet": "wmo",
            "wijk": "Warande",
            "cbs_code": "WK079409",
            "periode": "2026-03",
            "n": 20,
            "median": 40,
            "p90": 60,
            "verborgen": "n_tijdig=complement;tijdig_pct=afgeleid",
        }
    ]
    # A role that sees small numbers gets the figures and no marker.
    seen = shown_cell(key, cell, controlled=False, threshold=T, codes=codes)
    assert seen["n_tijdig"] == 17 and "verborgen" not in seen
    assert codes["gemeente"] == "GM0794" and "onbekend" not in codes


def test_small_cells_counts_the_cells_with_a_small_count_or_complement() -> None:
    rules = RULES["doorlooptijd"]
    cells = {
        ("wmo", "A", "2026-01", None): {"n": 3, "n_tijdig": 3},
        ("wmo", "B", "2026-01", None): {"n": 20, "n_tijdig": 18},
        ("wmo", "C", "2026-01", None): {"n": 20, "n_tijdig": 10},
    }
    assert small_cells(rules, cells, T) == 2


def test_a_periode_is_closed_the_day_after_its_last_day() -> None:
    assert not closed("2026-03", date(2026, 3, 31))
    assert closed("2026-03", date(2026, 4, 1))
    assert closed("2026-H1", date(2026, 7, 1)) and not closed("2026", date(2026, 12, 31))


def test_the_cache_keeps_one_version_per_kpi_peildatum_and_role_class() -> None:
    cache = ControlledCache(size=2)
    day = date(2026, 4, 1)
    old, new = Controlled({}), Controlled({})
    cache.put(("doorlooptijd", day, True, "v1"), old)
    cache.put(("doorlooptijd", day, True, "v2"), new)
    assert cache.get(("doorlooptijd", day, True, "v1")) is None
    assert cache.get(("doorlooptijd", day, True, "v2")) is new
    cache.put(("doorlooptijd", day, False, "v2"), old)
    cache.put(("wachttijd", day, True, "v1"), old)  # the least recently used goes
    assert cache.get(("doorlooptijd", day, True, "v2")) is None
    assert (cache.hits, cache.misses) == (1, 2)


def test_the_api_document_describes_the_marker_the_code_and_csv() -> None:
    document = create_app(Settings()).openapi()
    cell = document["components"]["schemas"]["Cell"]["properties"]
    assert {"cbs_code", "verborgen"} <= set(cell)
    assert "secundair" in cell["verborgen"]["description"]
    route = document["paths"]["/api/v1/kpi/{kpi}"]["get"]
    assert {"application/json", "text/csv"} <= set(route["responses"]["200"]["content"])
    assert "verborgen" in route["responses"]["200"]["description"]
    assert "403" in route["responses"]
    assert "format" in {p["name"] for p in route["parameters"]}
    wijk = document["components"]["schemas"]["Wijk"]["properties"]
    assert "cbs_code" in wijk
    assert "beleid" in document["info"]["description"]


def test_the_attacker_pins_no_signaalpartner_count_the_rules_could_protect() -> None:
    """vroegsignalen: the signaalpartner counts of a cell add up to its n, a tie beyond the
    shared module's tables. The attacker (tests/fixtures/disclosure_attacker.py) gets that tie
    too; what it pins must be what the module lists as unprotectable."""
    rng = random.Random(11)
    wijken = ["Binnenstad", "Warande", "Stiphout"]
    rows = [*wijken, "onbekend"]
    partners = PARTNER_FIGURES[:3]
    base = {}
    for r in rows:
        for m in range(12):
            k = rng.choice([0, 1, 2, 4, 6, 9]) if r != "onbekend" else rng.choice([0, 0, 1])
            split = {p: 0 for p in PARTNER_FIGURES}
            for _ in range(k):
                split[rng.choice(partners)] += 1
            base[(r, m)] = {"n": k, "n_crisis": int(k > 5), **split}
    cells = {}
    for wijk in [*rows, "gemeente"]:
        inside = rows if wijk == "gemeente" else [wijk]
        for periode, months in zip(COLUMNS, MONTHS_OF, strict=True):
            total = {
                f: sum(base[(r, m)][f] for r in inside for m in months) for f in base[(rows[0], 0)]
            }
            if total["n"]:
                cells[("wgs", wijk, periode, None)] = total
    domain = DOMAIN.model_copy(update={"wijken": [WijkConfig(naam=w) for w in wijken]})
    rules = RULES["vroegsignalen"]
    table = control("vroegsignalen", rules, cells, domain)
    published = {
        key: Disclosed(
            {f: c.figures[f] for f in rules.counts if f not in c.hidden},
            Verborgen(c.hidden),
        )
        for key, c in table.cells.items()
    }
    assert any(r == "secundair" for c in table.cells.values() for r in c.hidden.values())
    unprotected = {(*key[:3], field) for key, field in table.unprotected}
    big = 2 * max(c["n"] for c in cells.values()) + 10
    pinned = pinned_in(published, "wgs", rows, rules, big, parts={"n": PARTNER_FIGURES})
    assert set(pinned) <= unprotected, {w: v for w, v in pinned.items() if w not in unprotected}
