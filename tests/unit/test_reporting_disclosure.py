"""The reporting side of disclosure control (docs/domain.md#small-numbers): each KPI's rules
against its definition, the parts rule of vroegsignalen, how a hidden cell is shown in JSON and
CSV, the cache, and what the API document says. The steps themselves are tested in
tests/unit/test_disclosure.py, the whole through HTTP and Redis in
tests/integration/test_reporting_disclosure.py."""

from __future__ import annotations

from datetime import date

import pytest

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
    """n = 20 = n_huur 3 + n_energie 17: n_huur is "<5", and n beside the visible n_energie
    would give it away (20 - 17), so n is hidden as well; so are the other wijk's."""
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
    # Without the parts rule (a KPI of another name with the same rules) n would be shown.
    alone = control("other", RULES["vroegsignalen"], cells, DOMAIN)
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
