"""Statistical disclosure control (docs/domain.md#small-numbers), steps 1-3, to the letter of
the rules: hand-made tables for each step, then properties over generated tables. The
independent attacker is tests/unit/test_disclosure_attack.py."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from shared.core.domain_config import DomainConfig, WijkConfig, load_domain_config
from shared.core.kpi.disclosure import (
    KpiDisclosure,
    Share,
    Verborgen,
    cell_reasons,
    disclose,
    hidden_counts,
    protect,
    withheld_figures,
)

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = load_domain_config(ROOT / "shared/config/domain.yaml")
WIJKEN = DOMAIN.wijk_names
T = 5
COLUMNS = [*(f"2026-{m:02d}" for m in range(1, 13)), "2026-H1", "2026-H2", "2026"]
MONTHS_OF = [*([m] for m in range(12)), list(range(6)), list(range(6, 12)), list(range(12))]

DOORLOOPTIJD = KpiDisclosure(
    counts=("n", "n_tijdig"),
    shares=(Share("n_tijdig", "n"),),
    derived={"tijdig_pct": {"n", "n_tijdig"}, "median": {"n"}, "p90": {"n"}},
)
WACHTTIJD = KpiDisclosure(counts=("n",), derived={"median": {"n"}, "p90": {"n"}})
BEREIK = KpiDisclosure(counts=("households",), derived={"per_1000": {"households"}})


def table(base: Mapping[tuple[str, int], Mapping[str, int]], wet: str = "wmo") -> dict:
    """Every non-empty cell of one wet's year from its wijk-months (every total a sum)."""
    rows = sorted({r for r, _ in base}, key=lambda r: (r == "onbekend", r))
    fields = sorted({f for v in base.values() for f in v})
    cells = {}
    for wijk in [*rows, "gemeente"]:
        parts = rows if wijk == "gemeente" else [wijk]
        for periode, months in zip(COLUMNS, MONTHS_OF, strict=True):
            total = {
                f: sum(base.get((r, m), {}).get(f, 0) for r in parts for m in months)
                for f in fields
            }
            if any(total.values()):
                cells[(wet, wijk, periode, None)] = total
    return cells


def hidden(cells: Mapping, kpi: KpiDisclosure, wijken: Sequence[str] = WIJKEN) -> dict:
    """The hidden counts, cells without any left out."""
    return {k: v for k, v in hidden_counts(cells, kpi, wijken=wijken, threshold=T).items() if v}


# Step 1: primary.


def test_a_count_of_one_to_four_is_primary_and_zero_or_five_is_not():
    reasons = cell_reasons({"n": 4, "n_tijdig": 0}, DOORLOOPTIJD, T)
    assert reasons == {"n": "primair"}
    assert cell_reasons({"n": 5, "n_tijdig": 1}, DOORLOOPTIJD, T) == {"n_tijdig": "primair"}
    assert cell_reasons({"n": 1, "n_tijdig": 1}, DOORLOOPTIJD, T) == {
        "n": "primair",
        "n_tijdig": "primair",
    }


# Step 2: derived.


def test_a_small_complement_hides_the_numerator_and_its_share_not_n():
    """docs/domain.md: n = 20, n_tijdig = 17: the complement 3 is small."""
    reasons = cell_reasons({"n": 20, "n_tijdig": 17}, DOORLOOPTIJD, T)
    assert reasons == {"n_tijdig": "complement"}
    figures = {"n": 20, "n_tijdig": 17, "tijdig_pct": 85.0, "median": 30, "p90": 55}
    assert withheld_figures(DOORLOOPTIJD, figures, reasons) == {"tijdig_pct": "afgeleid"}
    # As a whole table (one cell, its half-year and year, wijk and gemeente alike):
    cells = table({("Binnenstad", 2): {"n": 20, "n_tijdig": 17}})
    for key in cells:
        cells[key] |= {"tijdig_pct": 85.0, "median": 30, "p90": 55}
    out = disclose(cells, DOORLOOPTIJD, DOMAIN)
    cell = out[("wmo", "Binnenstad", "2026-03", None)]
    assert cell.figures == {"n": 20, "median": 30, "p90": 55}
    assert cell.verborgen.as_json() == {"n_tijdig": "complement", "tijdig_pct": "afgeleid"}
    assert all(c.verborgen.as_json() == cell.verborgen.as_json() for c in out.values())


def test_no_complement_when_the_numerator_is_small_or_all_are_on_time():
    assert cell_reasons({"n": 6, "n_tijdig": 3}, DOORLOOPTIJD, T) == {"n_tijdig": "primair"}
    assert cell_reasons({"n": 17, "n_tijdig": 17}, DOORLOOPTIJD, T) == {}
    assert cell_reasons({"n": 17, "n_tijdig": 12}, DOORLOOPTIJD, T) == {}


def test_a_figure_computed_from_a_hidden_count_is_withheld():
    assert withheld_figures(
        DOORLOOPTIJD, ["n", "n_tijdig", "tijdig_pct", "median", "p90"], {"n": "primair"}
    ) == {"tijdig_pct": "afgeleid", "median": "afgeleid", "p90": "afgeleid"}
    assert withheld_figures(BEREIK, ["households", "per_1000"], {"households": "secundair"}) == {
        "per_1000": "afgeleid"
    }
    # A figure the description does not name is taken to depend on every count.
    assert withheld_figures(WACHTTIJD, ["n", "mean"], {"n": "primair"}) == {"mean": "afgeleid"}
    assert withheld_figures(DOORLOOPTIJD, ["median"], {"n_tijdig": "complement"}) == {}


def test_the_marker_is_explicit_and_hidden_figures_are_left_out():
    cells = table({("Binnenstad", 0): {"n": 3}, ("Helmond-Oost", 0): {"n": 40}})
    for figures in cells.values():
        figures["median"] = 12
    out = disclose(cells, WACHTTIJD, DOMAIN)
    cell = out[("wmo", "Binnenstad", "2026-01", None)]
    assert cell.figures == {}
    assert cell.verborgen == Verborgen({"n": "primair", "median": "afgeleid"})
    gemeente = out[("wmo", "gemeente", "2026-01", None)]
    assert gemeente.figures == {"n": 43, "median": 12}
    assert gemeente.verborgen.as_json() == {}
    assert not gemeente.verborgen
    assert out[("wmo", "Helmond-Oost", "2026-01", None)].verborgen.as_json() == {
        "n": "secundair",
        "median": "afgeleid",
    }


def test_a_description_must_name_counts():
    with pytest.raises(ValueError, match="two counts"):
        KpiDisclosure(counts=("n",), shares=(Share("n_tijdig", "n"),))
    with pytest.raises(ValueError, match="computed from counts"):
        KpiDisclosure(counts=("n",), derived={"median": {"days"}})
    with pytest.raises(ValueError, match="one denominator"):
        KpiDisclosure(counts=("a", "b", "c"), shares=(Share("a", "b"), Share("a", "c")))


# Step 3: secondary.


def test_the_domain_example_hides_the_smallest_other_wijk():
    """docs/domain.md: one month, one wet: gemeente 99, Binnenstad 3, every other wijk
    visible. Binnenstad = 99 - the rest, so the smallest visible non-zero part, Industriegebied
    6, is hidden; the month being the only one of the year, the same holds along time, so
    Industriegebied's half-year and year (6 and 6) go with it."""
    values = dict(zip(WIJKEN, [3, 7, 7, 8, 9, 9, 6, 8, 9, 12, 7, 14], strict=True))
    cells = table({(w, 2): {"n": v} for w, v in values.items()})
    assert cells[("wmo", "gemeente", "2026-03", None)] == {"n": 99}
    b = [cells[("wmo", w, "2026-03", None)]["n"] for w in WIJKEN if w != "Binnenstad"]
    assert 99 - sum(b) == 3  # what it prevents
    periodes = ("2026-03", "2026-H1", "2026")
    assert hidden(cells, WACHTTIJD) == {
        ("wmo", "Binnenstad", p, None): {"n": "primair"} for p in periodes
    } | {("wmo", "Industriegebied", p, None): {"n": "secundair"} for p in periodes}


def test_two_small_cells_of_one_tie_protect_each_other():
    """Binnenstad 3 and onbekend 1: their sum 4 is known, each has several values."""
    values = dict(zip(WIJKEN, [3, 7, 7, 8, 9, 9, 6, 8, 9, 12, 7, 14], strict=True))
    cells = table({(w, 2): {"n": v} for w, v in values.items()} | {("onbekend", 2): {"n": 1}})
    got = hidden(cells, WACHTTIJD)
    assert {k[1] for k in got} == {"Binnenstad", "onbekend"}
    assert all(v == {"n": "primair"} for v in got.values())


def test_a_hidden_month_is_not_the_half_year_minus_the_other_five():
    """Binnenstad alone: January 3 = H1 53 - the other five months. The cheapest cycle hides
    February (10) and, since gemeente February is Binnenstad's, gemeente February too."""
    months = [3, 10, 10, 10, 10, 10]
    cells = table({("Binnenstad", m): {"n": v} for m, v in enumerate(months)})
    h1 = cells[("wmo", "Binnenstad", "2026-H1", None)]["n"]
    assert h1 - sum(months[1:]) == 3  # what it prevents
    assert hidden(cells, WACHTTIJD) == {
        ("wmo", "Binnenstad", "2026-01", None): {"n": "primair"},
        ("wmo", "gemeente", "2026-01", None): {"n": "primair"},
        ("wmo", "Binnenstad", "2026-02", None): {"n": "secundair"},
        ("wmo", "gemeente", "2026-02", None): {"n": "secundair"},
    }


def test_a_rectangle_protects_a_month_of_a_wijk_among_wijken():
    """Binnenstad January 3 is pinned by its column and by its row: the four cells of the
    cheapest rectangle are hidden (Binnenstad February 8, Industriegebied January 6 and
    February 7), not a whole row or column."""
    base = {(w, m): {"n": 20} for w in WIJKEN for m in range(6)}
    for m, v in enumerate([3, 8]):
        base[("Binnenstad", m)] = {"n": v}
    for m, v in enumerate([6, 7]):
        base[("Industriegebied", m)] = {"n": v}
    got = hidden(table(base), WACHTTIJD)
    assert got == {
        ("wmo", "Binnenstad", "2026-01", None): {"n": "primair"},
        ("wmo", "Binnenstad", "2026-02", None): {"n": "secundair"},
        ("wmo", "Industriegebied", "2026-01", None): {"n": "secundair"},
        ("wmo", "Industriegebied", "2026-02", None): {"n": "secundair"},
    }


def test_ties_go_to_the_configured_wijk_order():
    """Two equally cheap rectangles: the earlier wijk in the configuration is hidden."""
    base = {(w, m): {"n": 20} for w in WIJKEN for m in range(6)}
    base[("Stiphout", 0)] = {"n": 2}
    base[("Helmond-Oost", 0)] = base[("Brandevoort", 0)] = {"n": 6}
    base[("Helmond-Oost", 1)] = base[("Brandevoort", 1)] = {"n": 6}
    base[("Stiphout", 1)] = {"n": 6}
    got = hidden(table(base), WACHTTIJD)
    secundair = {(k[1], k[2]) for k, v in got.items() if v == {"n": "secundair"}}
    assert WIJKEN.index("Helmond-Oost") < WIJKEN.index("Brandevoort")
    assert secundair == {
        ("Stiphout", "2026-02"),
        ("Helmond-Oost", "2026-01"),
        ("Helmond-Oost", "2026-02"),
    }


def test_a_complement_beside_a_small_n_does_not_give_the_numerator_away():
    """n = 6 and n_tijdig hidden for its complement (1-4, and itself at least 5) would give
    n_tijdig = 5 away: the module hides n as well, with a cycle to protect it."""
    base = {(w, m): {"n": 30, "n_tijdig": 20} for w in WIJKEN for m in range(6)}
    base[("Warande", 3)] = {"n": 6, "n_tijdig": 5}
    got = hidden(table(base), DOORLOOPTIJD)
    assert got[("wmo", "Warande", "2026-04", None)] == {"n": "secundair", "n_tijdig": "complement"}
    assert protect(table(base), DOORLOOPTIJD, wijken=WIJKEN, threshold=T).unprotected == []


def test_distinct_counts_are_protected_as_if_they_added_up():
    """Households: gemeente counts a household once, so it is below the sum of the wijken;
    the tables are protected as if it were the sum."""
    base = {(w, 0): {"households": 30} for w in WIJKEN}
    base[("Dierdonk", 0)] = {"households": 2}
    cells = table(base)
    cells[("wmo", "gemeente", "2026-01", None)]["households"] -= 3  # in two wijken
    got = hidden(cells, BEREIK)
    assert got[("wmo", "Dierdonk", "2026-01", None)] == {"households": "primair"}
    assert {k[1] for k, v in got.items() if v == {"households": "secundair"}} == {"Binnenstad"}


def test_an_unconfigured_wijk_gets_a_row_of_its_own():
    cells = table({("Binnenstad", 0): {"n": 3}, ("Oud-Helmond", 0): {"n": 9}})
    got = hidden(cells, WACHTTIJD, wijken=["Binnenstad"])
    assert got[("wmo", "Oud-Helmond", "2026-01", None)] == {"n": "secundair"}


# Properties over generated tables.

small = st.integers(0, 30).map(lambda k: 0 if k < 12 else k - 11 if k < 20 else 2 * (k - 17))
FEW = ["Binnenstad", "Helmond-West", "Warande", "Brandevoort"]


@st.composite
def bases(draw: st.DrawFn, fields: Sequence[str] = ("n",)) -> dict:
    wijken = FEW[: draw(st.integers(1, 4))]
    base = {}
    for r in [*wijken, "onbekend"]:
        for m in range(12):
            n = draw(small)
            base[(r, m)] = {"n": n} | (
                {"n_tijdig": max(0, n - draw(st.sampled_from([0, 1, 2, 6])))}
                if "n_tijdig" in fields
                else {}
            )
    return base


def domain_with(wijken: Sequence[str]) -> DomainConfig:
    return DOMAIN.model_copy(update={"wijken": [WijkConfig(naam=w) for w in wijken]})


@settings(max_examples=40, deadline=None)
@given(bases(("n", "n_tijdig")), st.randoms(use_true_random=False))
def test_the_same_table_always_hides_the_same_cells(base, rnd):
    cells = table(base)
    first = hidden_counts(cells, DOORLOOPTIJD, wijken=FEW, threshold=T)
    keys = list(cells)
    rnd.shuffle(keys)
    again = hidden_counts({k: cells[k] for k in keys}, DOORLOOPTIJD, wijken=FEW, threshold=T)
    assert again == first


@settings(max_examples=40, deadline=None)
@given(bases(("n", "n_tijdig")))
def test_the_answer_is_a_fixed_point(base):
    """Starting from its own answer's hidden cells, nothing more is hidden."""
    cells = table(base)
    first = protect(cells, DOORLOOPTIJD, wijken=FEW, threshold=T)
    again = protect(cells, DOORLOOPTIJD, wijken=FEW, threshold=T, start=first.hidden)
    assert again.hidden == first.hidden


@settings(max_examples=25, deadline=None)
@given(bases(("n", "n_tijdig")), bases(("n", "n_tijdig")))
def test_filters_do_not_change_what_is_hidden(base, other):
    """A table's hiding is its own: another wet beside it, or disclose with every cell and
    its answer filtered, gives the same cells hidden."""
    wmo, jeugd = table(base, "wmo"), table(other, "jeugdwet")
    both = hidden_counts(wmo | jeugd, DOORLOOPTIJD, wijken=FEW, threshold=T)
    alone = hidden_counts(wmo, DOORLOOPTIJD, wijken=FEW, threshold=T)
    assert {k: v for k, v in both.items() if k[0] == "wmo"} == alone
    out = disclose(wmo | jeugd, DOORLOOPTIJD, domain_with(FEW))
    assert {k: dict(v.verborgen.fields) for k, v in out.items() if k[0] == "wmo"} == alone


def feasible_range(cells: Mapping, shown: Mapping, wijken: Sequence[str], key: tuple) -> tuple:
    """The smallest and largest ``n`` of ``key`` consistent with what is shown, by LP over the
    wijk-months: the ties of two laminar families form a totally unimodular matrix, so the LP
    bounds are the integer bounds."""
    rows = [*wijken, "onbekend"]
    index = {(r, m): i for i, (r, m) in enumerate((r, m) for r in rows for m in range(12))}

    def expr(wijk: str, periode: str) -> np.ndarray:
        a = np.zeros(len(index))
        for r in rows if wijk == "gemeente" else [wijk]:
            for m in MONTHS_OF[COLUMNS.index(periode)]:
                a[index[(r, m)]] = 1
        return a

    a_ub, b_ub, a_eq, b_eq = [], [], [], []
    for wijk in [*rows, "gemeente"]:
        for periode in COLUMNS:
            k = ("wmo", wijk, periode, None)
            e = expr(wijk, periode)
            reason = shown.get(k, {}).get("n")
            if reason is None:
                a_eq.append(e)
                b_eq.append(cells.get(k, {}).get("n", 0))
            elif reason == "primair":
                a_ub += [e, -e]
                b_ub += [T - 1, -1]
            else:
                a_ub.append(-e)
                b_ub.append(-T)
    target = expr(key[1], key[2])
    out = []
    for sign in (1, -1):
        res = linprog(sign * target, A_ub=a_ub or None, b_ub=b_ub or None, A_eq=a_eq,
                      b_eq=b_eq, bounds=(0, 10_000), method="highs")  # fmt: skip
        assert res.status == 0
        out.append(round(sign * res.fun))
    return tuple(out)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bases())
def test_every_hidden_count_has_two_values(base):
    """One count field (no share ties): every hidden cell's feasible range, computed by LP
    apart from the module, holds two values or more, or the module lists it."""
    wijken = [w for w in FEW if (w, 0) in base]
    cells = table(base)
    protection = protect(cells, WACHTTIJD, wijken=wijken, threshold=T)
    listed = {k for k, _ in protection.unprotected}
    for key, fields in protection.hidden.items():
        if fields and key not in listed:
            lo, hi = feasible_range(cells, protection.hidden, wijken, key)
            assert lo < hi, (key, lo, hi)


def test_a_realistic_kpi_year_is_fast_enough():
    """5 wets x 14 rows x 15 columns x 2 count fields: well under a second (measured ~0.2 s);
    the bound here leaves room for a slow CI machine."""
    import time

    rng = random.Random(7)
    cells = {}
    for wet, scale in (("wmo", 1), ("jeugdwet", 0.6), ("participatiewet", 0.5), ("wgs", 0.3),
                       ("sth", 1.2)):  # fmt: skip
        base = {}
        for w in [*WIJKEN, "onbekend"]:
            mean = rng.choice([0.3, 1, 2, 4, 8, 15]) * scale
            for m in range(12):
                n = sum(rng.random() < mean / 40 for _ in range(40))
                base[(w, m)] = {"n": n, "n_tijdig": sum(rng.random() < 0.8 for _ in range(n))}
        cells |= table(base, wet)
    started = time.perf_counter()
    protection = protect(cells, DOORLOOPTIJD, wijken=WIJKEN, threshold=T)
    assert time.perf_counter() - started < 3
    assert any(r == "secundair" for v in protection.hidden.values() for r in v.values())
