"""A cell's ``gewijzigd`` in the API and CSV (docs/kpis.md#gewijzigd): shown beside the figures,
withheld (absent, named ``afgeleid`` in ``verborgen``) on a controlled cell with a hidden count,
because the moment a hidden count changed is something learnt about it."""

from __future__ import annotations

from services.reporting.kpis.controlled import control, uncontrolled
from services.reporting.kpis.disclosure_rules import rules_of
from services.reporting.kpis.present import cbs_codes, csv_columns, csv_rows, shown_cell
from shared.core.kpi.definition import Figure
from shared.core.kpi.disclosure import CellKey
from shared.core.kpi.registry import SERVED
from shared.platform.settings import get_domain_config

DOMAIN = get_domain_config()
T = DOMAIN.small_numbers.threshold
KPI = SERVED["doorlooptijd"]
WIJKEN = DOMAIN.wijk_names


def table() -> dict[CellKey, dict[str, Figure]]:
    """Two wijken and their gemeente, one month: Warande with 2 besluiten (small)."""
    cells: dict[CellKey, dict[str, Figure]] = {}
    for wijk, n, tijdig, at in (
        (WIJKEN[0], 2, 2, "2026-03-20T10:00:00.000Z"),
        (WIJKEN[1], 30, 20, "2026-03-21T11:00:00.000Z"),
        ("gemeente", 32, 22, "2026-03-21T11:00:00.000Z"),
    ):
        cells[("wmo", wijk, "2026-03", None)] = {
            "n": n,
            "n_tijdig": tijdig,
            "tijdig_pct": round(100 * tijdig / n, 1),
            "gewijzigd": at,
        }
    return cells


def test_a_hidden_cell_withholds_gewijzigd_and_names_it() -> None:
    controlled = control(KPI.name, rules_of(KPI), table(), DOMAIN)
    codes = cbs_codes(DOMAIN)
    shown = {
        key: shown_cell(key, cell, controlled=True, threshold=T, codes=codes)
        for key, cell in controlled.cells.items()
    }
    small = shown[("wmo", WIJKEN[0], "2026-03", None)]
    assert small["n"] == f"<{T}"
    assert "gewijzigd" not in small
    assert small["verborgen"]["gewijzigd"] == "afgeleid"  # type: ignore[index]
    for key, cell in shown.items():
        hidden = cell["verborgen"]
        assert isinstance(hidden, dict)
        if hidden:
            assert "gewijzigd" not in cell and hidden["gewijzigd"] == "afgeleid"
        else:
            assert cell["gewijzigd"] == table()[key]["gewijzigd"]
    row = csv_rows([small])[0]
    assert "gewijzigd" not in row and "gewijzigd=afgeleid" in str(row["verborgen"])


def test_a_role_that_sees_small_numbers_sees_every_gewijzigd() -> None:
    codes = cbs_codes(DOMAIN)
    for key, cell in uncontrolled(table()).cells.items():
        seen = shown_cell(key, cell, controlled=False, threshold=T, codes=codes)
        assert seen["gewijzigd"] == table()[key]["gewijzigd"] and "verborgen" not in seen


def test_the_csv_has_a_gewijzigd_column_for_every_kpi_but_open_over_termijn() -> None:
    for name, kpi in SERVED.items():
        columns = csv_columns(kpi)
        assert ("gewijzigd" in columns) == (kpi.source.value != "termijnen"), name
        if "gewijzigd" in columns:
            assert columns.index("gewijzigd") == columns.index("verborgen") - 1
