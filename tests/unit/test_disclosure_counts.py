"""benchmarks/disclosure_counts.py counts what a KPI answer's ``verborgen`` markings say is
hidden (docs/kpis.md, "Disclosure control"): a small hand-made answer with known markings."""

from __future__ import annotations

from typing import Any

from benchmarks.disclosure_counts import count_answer, count_cell, total

ANSWER: dict[str, Any] = {
    "kpi": "doorlooptijd",
    "peildatum": "2026-04-15",
    "cells": [
        # docs/kpis.md's example: gemeente 9 = Dierdonk 3 + Brandevoort 6, March
        {"wet": "wmo", "wijk": "Dierdonk", "periode": "2026-03", "n": "<5", "n_tijdig": "<5",
         "tijdig_pct": None, "median": None, "p90": None,
         "verborgen": {"n": "primair", "n_tijdig": "primair", "tijdig_pct": "afgeleid",
                       "median": "afgeleid", "p90": "afgeleid"}},
        {"wet": "wmo", "wijk": "Brandevoort", "periode": "2026-03", "n": "x", "n_tijdig": "<5",
         "tijdig_pct": None, "median": None, "p90": None,
         "verborgen": {"n": "secundair", "n_tijdig": "primair", "tijdig_pct": "afgeleid",
                       "median": "afgeleid", "p90": "afgeleid"}},
        {"wet": "wmo", "wijk": "gemeente", "periode": "2026-03", "n": 9, "n_tijdig": "x",
         "tijdig_pct": None, "median": 30, "p90": 70,
         "verborgen": {"n_tijdig": "complement", "tijdig_pct": "afgeleid"}},
        {"wet": "wmo", "wijk": "gemeente", "periode": "2025-H2", "n": 40, "n_tijdig": 31,
         "tijdig_pct": 77.5, "median": 35, "p90": 80, "verborgen": {}},
        {"wet": "wmo", "wijk": "gemeente", "periode": "2025", "n": 80, "n_tijdig": 70,
         "tijdig_pct": 87.5, "median": 35, "p90": 80, "verborgen": {"gewijzigd": "afgeleid"}},
        # open on the peildatum: not counted (beleid sees it, publiek does not)
        {"wet": "wmo", "wijk": "Dierdonk", "periode": "2026-04", "n": "<5", "n_tijdig": "<5",
         "verborgen": {"n": "primair", "n_tijdig": "primair"}},
    ],
}  # fmt: skip


def test_counts_cells_and_fields_per_reason_of_closed_periodes() -> None:
    buckets = count_answer(ANSWER)
    assert set(buckets) == {("2026", "maand", True), ("2025", "halfjaar", True),
                            ("2025", "jaar", True), ("2026", "maand", False)}  # fmt: skip
    per_kpi = {"doorlooptijd": buckets}
    month = total(per_kpi, kind="maand")
    assert (month.cells, month.hidden_cells) == (3, 3)
    assert dict(month.cells_by_reason) == {
        "primair": 2, "afgeleid": 3, "secundair": 1, "complement": 1,
    }  # fmt: skip
    assert dict(month.fields_by_reason) == {
        "primair": 3, "afgeleid": 7, "secundair": 1, "complement": 1,
    }  # fmt: skip
    assert month.fields_by_name["n_tijdig:primair"] == 2
    half = total(per_kpi, kind="halfjaar")
    assert (half.cells, half.hidden_cells, sum(half.fields_by_reason.values())) == (1, 0, 0)
    year = total(per_kpi, year="2025")
    assert (year.cells, year.hidden_cells, dict(year.fields_by_reason)) == (
        2, 1, {"afgeleid": 1},
    )  # fmt: skip
    closed = total(per_kpi)
    assert (closed.cells, closed.hidden_cells) == (5, 4)
    assert closed.unmarked_cells == closed.inconsistent == 0
    everything = total(per_kpi, closed=None)  # beleid also reads the open month
    assert (everything.cells, everything.fields_by_reason["primair"]) == (6, 5)


def test_flags_markings_that_disagree_with_the_values() -> None:
    shown_yet_marked = count_cell({"periode": "2026-03", "n": 7, "verborgen": {"n": "primair"}})
    assert shown_yet_marked.inconsistent == 1
    marker_unnamed = count_cell({"periode": "2026-03", "n": "<5", "verborgen": {}})
    assert (marker_unnamed.inconsistent, marker_unnamed.hidden_cells) == (1, 0)
    uncontrolled = count_cell({"periode": "2026-03", "n": 3})
    assert (uncontrolled.unmarked_cells, uncontrolled.hidden_cells) == (1, 0)
    wrong_marker = count_cell({"periode": "2026-03", "n": "x", "verborgen": {"n": "primair"}})
    assert wrong_marker.inconsistent == 1
    other_reason = count_cell({"periode": "2026-03", "n": 4, "verborgen": {"n": "nieuw"}})
    assert (other_reason.inconsistent, dict(other_reason.fields_by_reason)) == (1, {"nieuw": 1})
