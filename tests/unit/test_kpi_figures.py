"""The reporting side of wachttijd, the STH KPIs and bereik: dated counters -> figures."""

from __future__ import annotations

from datetime import date

import pytest

from services.reporting.kpis import AVAILABLE, PLANNED, CellContext
from services.reporting.kpis.cells import CellId, publish
from shared.core.kpi.bereik import bereik_ondersteuning_figures
from shared.core.kpi.definition import configured_households
from shared.core.kpi.stats import per_thousand
from shared.core.kpi.sth_opgepakt import STH_OPGEPAKT, sth_opgepakt_figures
from shared.core.kpi.sth_zonder_verwijzing import sth_zonder_verwijzing_figures
from shared.core.kpi.wachttijd import wachttijd_figures
from shared.platform.settings import get_domain_config

MARCH_1, MARCH_10, APRIL = date(2026, 3, 1), date(2026, 3, 10), date(2026, 4, 30)


def test_wachttijd_is_the_histogram_known_on_the_peildatum():
    fields = {"d1@20260302": "2", "d3@20260302": "1", "d3@20260310": "-1", "d9@20260310": "2"}
    assert wachttijd_figures(fields, MARCH_1) == {"n": 0, "median": None, "p90": None}
    assert wachttijd_figures(fields, date(2026, 3, 9)) == {"n": 3, "median": 1, "p90": 3}
    # 1, 1, 9, 9: the median by nearest rank is the 2nd smallest
    assert wachttijd_figures(fields, MARCH_10) == {"n": 4, "median": 1, "p90": 9}


def test_sth_opgepakt_counts_and_share():
    fields = {"n@20260305": "3", "binnen@20260305": "2", "n@20260312": "1"}
    assert sth_opgepakt_figures(fields, MARCH_10) == {"n": 3, "n_binnen_norm": 2, "pct": 66.7}
    assert sth_opgepakt_figures(fields, APRIL) == {"n": 4, "n_binnen_norm": 2, "pct": 50.0}
    assert sth_opgepakt_figures({}, APRIL) == {"n": 0, "n_binnen_norm": 0, "pct": None}


def test_sth_zonder_verwijzing_counts_and_share():
    fields = {"n@20260305": "16", "zonder@20260305": "1"}
    assert sth_zonder_verwijzing_figures(fields, APRIL) == {"n": 16, "n_zonder": 1, "pct": 6.3}


def test_bereik_counts_households_with_a_positive_reference_count():
    fields = {
        "hh:a@20260302": "2",
        "hh:b@20260302": "1",
        "hh:b@20260315": "-1",  # its only zaak moved out of the periode
        "zk:Z-7@20260320": "1",
        "zk:Z-8@20260501": "1",  # after the peildatum
    }
    assert bereik_ondersteuning_figures(fields, APRIL) == {"households": 2, "per_1000": None}
    with_base = bereik_ondersteuning_figures(fields, MARCH_10, CellContext(huishoudens=3200))
    assert with_base == {"households": 2, "per_1000": 0.6}  # 0.625 rounds half up


@pytest.mark.parametrize(
    ("count", "base", "expected"),
    [(7, 4000, 1.8), (1, 3200, 0.3), (21, 4200, 5.0), (3, 0, None), (3, None, None)],
)
def test_per_thousand_rounds_half_up_to_one_decimal(count, base, expected):
    assert per_thousand(count, base) == expected


def test_household_counts_per_wijk_and_for_gemeente():
    domain = get_domain_config()
    assert configured_households("Warande", domain) == 3200
    assert configured_households("gemeente", domain) == sum(
        w.huishoudens or 0 for w in domain.wijken
    )
    assert configured_households("onbekend", domain) is None
    wijken = [domain.wijken[0].model_copy(update={"huishoudens": None}), *domain.wijken[1:]]
    partial = domain.model_copy(update={"wijken": wijken})
    assert configured_households(domain.wijken[0].naam, partial) is None
    assert configured_households("gemeente", partial) is None
    assert CellContext.of("Warande", domain) == CellContext(huishoudens=3200)


def test_small_numbers_are_suppressed_as_for_doorlooptijd():
    cell = CellId("sth-opgepakt", "sth", "Warande", "2026-03")
    fields = {"n@20260305": "4", "binnen@20260305": "3"}
    published = publish(STH_OPGEPAKT, cell, fields, APRIL, threshold=5, small_numbers=False)
    assert published == {
        "wet": "sth",
        "wijk": "Warande",
        "periode": "2026-03",
        "n": "<5",
        "n_binnen_norm": "<5",
        "pct": None,
    }
    assert publish(STH_OPGEPAKT, cell, fields, MARCH_1, threshold=5, small_numbers=True) is None


def test_every_kpi_of_the_brief_is_published():
    assert PLANNED == ()
    for kpi in AVAILABLE.values():
        figures = kpi.figures({"n@20260301": "5", "d1@20260301": "5"}, APRIL, CellContext())
        assert list(figures) == list(kpi.figure_docs), kpi.name
        assert kpi.basis in kpi.counts <= set(figures)


def test_every_kpi_reads_its_counters_on_the_peildatum() -> None:
    """Every KPI keeps dated counters: what is dated after the peildatum is not counted."""
    dated = {"n@20260301": "5", "d1@20260301": "5", "zaken@20260301": "5", "hh:a@20260301": "1"}
    for kpi in AVAILABLE.values():
        assert kpi.figures(dated, APRIL, CellContext())[kpi.basis], kpi.name
        assert not kpi.figures(dated, date(2026, 2, 28), CellContext())[kpi.basis], kpi.name
