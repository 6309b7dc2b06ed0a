"""What changed since a report was issued (services/reporting/rapport/changes.py): every
figure of a KPI and wijk that differs, in the issued order, hidden values compared as shown."""

from __future__ import annotations

from typing import Any

from services.reporting.rapport.changes import changes


def row(wijk: str, **figures: Any) -> dict[str, Any]:
    base = {"kpi": "sth-opgepakt", "wijk": wijk, "cbs_code": None, "n": 10, "teller": 8,
            "pct": 80.0, "verborgen": {}, "vorig_pct": 75.0, "norm_gehaald": "ja"}  # fmt: skip
    return {**base, **figures}


def test_the_same_rows_have_no_changes() -> None:
    rows = [row("Stiphout"), row("gemeente", n="<5", pct=None)]
    assert changes(rows, [dict(r) for r in rows]) == []


def test_each_changed_figure_is_named_with_both_values_in_the_issued_order() -> None:
    issued = [row("Stiphout"), row("Binnenstad"), row("gemeente", n=6, teller=5)]
    now = [
        row("Stiphout", pct=81.8, n=11, teller=9),
        row("Binnenstad"),
        row("gemeente", n="<5", teller="x", pct=None, norm_gehaald=""),
    ]
    found = [(c["wijk"], c["veld"], c["uitgegeven"], c["nu"]) for c in changes(issued, now)]
    assert found == [
        ("Stiphout", "n", 10, 11),
        ("Stiphout", "teller", 8, 9),
        ("Stiphout", "pct", 80.0, 81.8),
        ("gemeente", "n", 6, "<5"),
        ("gemeente", "teller", 5, "x"),
        ("gemeente", "pct", 80.0, None),
        ("gemeente", "norm_gehaald", "ja", ""),
    ]


def test_a_row_only_one_side_has_is_a_change_of_every_figure() -> None:
    found = changes([row("Stiphout")], [row("Stiphout"), row("Nieuwe wijk")])
    assert {c["wijk"] for c in found} == {"Nieuwe wijk"}
    assert all(c["uitgegeven"] is None for c in found) and len(found) == 5
