"""The reporting API's own documentation: what the figures mean and who sees what."""

from __future__ import annotations

from typing import Any

from shared.core.kpi.registry import PLANNED, SERVED

DESCRIPTION = """\
Live figures of gemeente Helmond's sociaal domein, per **wet**, **wijk** and **periode**,
computed in event time from the events case systems publish (docs/domain.md#kpis).

**Cells.** Every figure belongs to a cell (`wet`, `wijk`, `periode`). `wijk` is a configured
wijk name, `onbekend` (no known wijk) or `gemeente` (all wijken together). `periode` is a
month (`2026-03`), a half-year (`2026-H1`, `2026-H2`) or a year (`2026`); a besluit in
March 2026 counts in `2026-03`, `2026-H1` and `2026`. A cell where nothing was counted is
absent.

**Peildatum.** Figures are given for a peildatum: today (Europe/Amsterdam) by default, or an
earlier date; they describe the world as the events known now say it was on that day. A
corrected fact counts in its latest version, and only when that version is dated on or before
the peildatum (a besluit corrected to a later date is not there yet, and its earlier version
does not count either); events dated after it are not counted. Every KPI answers every
periode for every peildatum the same way: a periode that had ended by then, and one still
running on it, cut at the peildatum, today or earlier (for the signed-in roles; `publiek`
reads today's closed periodes, see below).

**Roles and small numbers** (docs/domain.md#small-numbers, docs/signin.md#roles). Without
credentials the caller is `publiek`; a bearer token of the gemeente's identity provider or
an `X-API-Key` gives `beleid`, `analist`, `teamleider`, `vroegsignalering` or
`privacy-officer`. For `publiek`, `beleid`, `teamleider` (outside its own wijken) and
(outside its own KPIs) `vroegsignalering` every KPI answer is disclosure-controlled over the
KPI's whole table (all wetten, wijken, periodes and clocks, whatever the query's filters, so
the same events and peildatum hide the same cells): a count of 1-4 is `"<5"` (`primair`); a
count whose rest to its total is 1-4 is `"x"` (`complement`); further counts are `"x"`
(`secundair`) until no hidden count can be worked out from the totals of wijken and
periodes; a figure computed from a hidden count is `null` (`afgeleid`). Every cell then
carries `verborgen`, naming each hidden figure and why, so a machine never guesses from a
value's type. `publiek` sees only periodes that had ended on today's peildatum (the others
are listed in `weggelaten_perioden`); an earlier peildatum is for signed-in roles (403).
`analist` and `privacy-officer` see every figure unsuppressed, `vroegsignalering` those of
`bereik-vroegsignalering` and `vroegsignalen`, a `teamleider` the cells of the wijken of its
`wijken` claim (those cells have no `verborgen`; gemeente, onbekend and the other wijken are
as the controlled table shows them), and each such read of small numbers is written to the
access log like a person-level read (`kleine_aantallen`: the number of cells with one). An
unknown key is refused with 401. Every request is written to the access log with its role,
route and query.

**CSV.** Every KPI answer and every list is also CSV (`Accept: text/csv` or `?format=csv`),
with the same suppression: a hidden figure is empty and a `verborgen` column names it.
Cells carry the CBS code of their wijk (`cbs_code`, `WK0794..`, `GM0794` for gemeente) where
configured.

**Deadlines.** `/open-over-termijn` counts, per clock, the zaken over their legal term on
the peildatum; `/kpi/open-over-termijn` gives the same as cells per wet, wijk, periode of
the due date and clock; `/bijna-over-termijn` lists the zaken whose clock runs and whose due
date is in the clock's warning window; `/zaken/{zaak_id}/termijnen` shows one zaak's clocks
with the steps behind each due date; `/alerts` is the feed of alerts. Single zaken (ids,
dates) are shown to the role `analist`, and to a `teamleider` for the wijken of its `wijken`
claim (another wijk: 403); the other roles get the counts (403 on the per-zaak routes).

**Wachtend.** `/wachtend` lists the zaken granted (besluit toegekend, or a toewijzing for a
zaak without besluit) whose care has not started on the peildatum, with their age in days
from the grant, and counts them per wet and wijk. The list is for the role `analist` (and a
`teamleider`, its own wijken); the other roles get the counts.

**Dashboard.** `GET /dashboard` (and `/`, which redirects to it) is a page for the
information manager and the STH team leads over this API: KPI tiles for the gemeente or a
wijk, a table per wijk, open over termijn, wachtend and a live alert feed. It reads the API
from the browser with the caller's own `X-API-Key` (kept in the tab's sessionStorage), so it
shows exactly what that role may see. `GET /api/v1/wijken` gives it the configured wijken,
the caller's role, the small-number threshold and today.

**Errors** are RFC 9457 problem details (`application/problem+json`) with an `errors` list
naming each field and the reason.
"""

TAGS: list[dict[str, Any]] = [
    {
        "name": "kpi",
        "description": "KPI figures per wet, wijk and periode (docs/domain.md#reporting-api)",
    },
    {
        "name": "termijnen",
        "description": "legal terms: open over termijn, and why a zaak's due date is what it is",
    },
    {
        "name": "wachttijd",
        "description": "wachtend: zaken granted whose care has not started, with their age",
    },
    {"name": "alerts", "description": "the deadline alerts the KPI workers gave (docs/alerts.md)"},
    {
        "name": "rapport",
        "description": "the STH half-year report as JSON, CSV, XLSX and PDF, with the API's "
        "figures; issued reports kept as issued, with what changed since (docs/monitor.md)",
    },
    {
        "name": "live",
        "description": "changed figures and new alerts pushed as Server-Sent Events "
        "(docs/monitor.md#live)",
    },
    {"name": "health", "description": "liveness and readiness probes"},
]


def kpi_route_description() -> str:
    lines = [
        "All cells of one KPI, filtered by `periode`, `wet` and `wijk` when given; without "
        "`periode` every periode's cells. Cells are sorted by wet (wmo, jeugdwet, "
        "participatiewet, wgs, sth), wijk (configured order, then onbekend, then gemeente) "
        "and periode (a year, then its halves and months in date order).",
        "",
        "Available KPIs and their figures:",
    ]
    for kpi in SERVED.values():
        lines += ["", f"- `{kpi.name}` (definitie `{kpi.definitie}`): {kpi.summary}"]
        lines += [f"  - `{name}`: {meaning}" for name, meaning in kpi.figure_docs.items()]
        lines += [
            f"  - query `{name}` (this KPI only): {meaning} See `GET /api/v1/kpi/{kpi.name}`."
            for name, meaning in kpi.parameters.items()
        ]
    lines += [
        "",
        "Norms and targets: `normen` lists the configured norms of the KPI's figures (domain "
        "configuration `norms`): the figure, the value, the comparison (`>=`: at least), the "
        "unit, the source and the first day it applies. A norm is shown beside the figures; it "
        "never changes how a figure is computed.",
    ]
    if PLANNED:
        lines += ["", "Defined but not yet published: " + ", ".join(f"`{p}`" for p in PLANNED)]
    return "\n".join(lines)


ANSWER_EXAMPLE: dict[str, Any] = {
    "kpi": "doorlooptijd",
    "definitie": "doorlooptijd/2",
    "peildatum": "2026-04-15",
    "cells": [
        {
            "wet": "wmo",
            "wijk": "Brandevoort",
            "cbs_code": "WK079412",
            "periode": "2026-03",
            "n": 23,
            "n_tijdig": 19,
            "tijdig_pct": 82.6,
            "median": 41,
            "p90": 58,
            "verborgen": {},
        },
        {
            "wet": "wmo",
            "wijk": "Dierdonk",
            "cbs_code": "WK079406",
            "periode": "2026-03",
            "n": "<5",
            "n_tijdig": "<5",
            "tijdig_pct": None,
            "median": None,
            "p90": None,
            "verborgen": {
                "n": "primair",
                "n_tijdig": "primair",
                "tijdig_pct": "afgeleid",
                "median": "afgeleid",
                "p90": "afgeleid",
            },
        },
        {
            "wet": "wmo",
            "wijk": "Helmond-West",
            "cbs_code": "WK079408",
            "periode": "2026-03",
            "n": "x",
            "n_tijdig": "x",
            "tijdig_pct": None,
            "median": None,
            "p90": None,
            "verborgen": {
                "n": "secundair",
                "n_tijdig": "secundair",
                "tijdig_pct": "afgeleid",
                "median": "afgeleid",
                "p90": "afgeleid",
            },
        },
    ],
    "normen": [
        {
            "figure": "tijdig_pct",
            "value": 80,
            "comparison": ">=",
            "unit": "%",
            "source": "Koers sociaal domein 2024-2028: the policy's reference figure, about 80% "
            "decided within the legal term",
            "valid_from": None,
        }
    ],
    "weggelaten_perioden": [],
}

INVALID_QUERY_EXAMPLE: dict[str, Any] = {
    "type": "https://wijkpuls.helmond.nl/problems/invalid-request",
    "title": "Invalid request",
    "status": 422,
    "detail": "see errors",
    "errors": [
        {
            "field": "periode",
            "reason": "must look like 2026-03 (month), 2026-H1 (half-year) or 2026 (year)",
        },
        {"field": "wijk", "reason": "not a configured wijk, onbekend or gemeente"},
    ],
}

UNKNOWN_KPI_EXAMPLE: dict[str, Any] = {
    "type": "https://wijkpuls.helmond.nl/problems/unknown-kpi",
    "title": "Unknown KPI",
    "status": 404,
    "detail": "available: doorlooptijd",
    "available": ["doorlooptijd"],
    "errors": [{"field": "kpi", "reason": "defined but not published yet"}],
}
