"""python -m benchmarks.disclosure_counts: how much disclosure control hides, read from the API.

Reads every KPI of a reporting API (``GET /api/v1/kpi/{kpi}`` without filters: every wet,
wijk, clock and periode, months, half-years and years alike) once as ``publiek`` (no key) and
once as ``beleid`` (``--key``), keeps the cells of closed periodes only (the last day before
the answer's peildatum: what publiek is served; beleid also sees open periodes, left out here
so both roles count the same periodes), and counts what the API's own marking says is hidden:
each cell's ``verborgen`` object names every hidden field and why (docs/kpis.md,
"Disclosure control"; docs/domain.md#small-numbers). Per reason (``primair`` "<5",
``complement`` and ``secundair`` "x", ``afgeleid`` a figure withheld because a count it is made
from is hidden, and any other reason the API names), in total, per calendar year, per kind
of periode and per KPI, it prints (beside the closed totals also beleid's with its open
periodes)

- cells: the cells read, and the cells with any hidden field;
- cells per reason: cells with at least one field hidden for that reason (a cell can have
  several reasons, so these rows do not add up to the hidden cells);
- fields per reason: the hidden fields themselves (``n``, ``n_tijdig``, ``gewijzigd``, ...).

No suppression code is imported: the counts are what a reader of the API is told. A marked
field not served as its reason says ("<5" for primair, "x" for complement and secundair, null
or absent for afgeleid; a number for any reason), or a "<5"/"x" without a marking, is counted
under ``inconsistent`` (it should be 0). The KPIs are the API's own list (the ``available`` of the
404 problem for an unknown KPI) unless ``--kpi`` names them.

    python -m benchmarks.disclosure_counts --start-demo 24 --json var/disclosure-counts.json
    python -m benchmarks.disclosure_counts --url http://127.0.0.1:8001 --key <beleid key>

``--start-demo N`` starts its own reporting API over N months of the demo's figures up to
today (benchmarks/reporting_system.py: its own Redis prefix and port, with a fresh beleid key
of its own) and removes it afterwards; the shared services on the default ports are not
touched. ``make run``'s demo is 24 months. That API has what the KPI worker's figures and
termijnen sinks write for the demo's events; the vroegsignalering KPIs (the signals
service's) have no cells there. Without ``--start-demo``,
run against a running system with the demo loaded and give a beleid key.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shared.core.kpi.periods import periode_bounds

ROLES = ("publiek", "beleid")
KINDS = ("maand", "halfjaar", "jaar")
REASONS = ("primair", "complement", "secundair", "afgeleid")
VERBORGEN = "verborgen"
MARKERS = ("<5", "x")
SHOWN_AS: dict[str, str | None] = {"primair": "<5", "complement": "x", "secundair": "x",
                                   "afgeleid": None}  # fmt: skip
"""How a field hidden for each reason is served (docs/kpis.md, "Cells as served")."""
INCONSISTENT = "inconsistent"


def periode_kind(periode: str) -> str:
    if "-H" in periode:
        return "halfjaar"
    return "maand" if "-" in periode else "jaar"


@dataclass
class Counts:
    """What is hidden in a set of cells."""

    cells: int = 0
    hidden_cells: int = 0
    cells_by_reason: Counter[str] = field(default_factory=Counter)
    fields_by_reason: Counter[str] = field(default_factory=Counter)
    fields_by_name: Counter[str] = field(default_factory=Counter)  # "n:primair"
    unmarked_cells: int = 0  # no verborgen at all: the role reads this KPI uncontrolled
    inconsistent: int = 0

    def add(self, other: Counts) -> None:
        self.cells += other.cells
        self.hidden_cells += other.hidden_cells
        self.cells_by_reason.update(other.cells_by_reason)
        self.fields_by_reason.update(other.fields_by_reason)
        self.fields_by_name.update(other.fields_by_name)
        self.unmarked_cells += other.unmarked_cells
        self.inconsistent += other.inconsistent

    def to_json(self) -> dict[str, Any]:
        return {
            "cells": self.cells,
            "hidden_cells": self.hidden_cells,
            "cells_by_reason": dict(sorted(self.cells_by_reason.items())),
            "fields_by_reason": dict(sorted(self.fields_by_reason.items())),
            "fields_by_name": dict(sorted(self.fields_by_name.items())),
            "unmarked_cells": self.unmarked_cells,
            INCONSISTENT: self.inconsistent,
        }


def count_cell(cell: dict[str, Any]) -> Counts:
    """One cell of a KPI answer, by its ``verborgen`` marking."""
    counts = Counts(cells=1)
    marking = cell.get(VERBORGEN)
    if marking is None:
        counts.unmarked_cells = 1
        counts.inconsistent = sum(cell.get(name) in MARKERS for name in cell)
        return counts
    if not isinstance(marking, dict):
        raise ValueError(f"verborgen is not an object: {marking!r}")
    if marking:
        counts.hidden_cells = 1
    for name, reason in marking.items():
        counts.fields_by_reason[reason] += 1
        counts.fields_by_name[f"{name}:{reason}"] += 1
        value = cell.get(name)
        if reason in SHOWN_AS and value != SHOWN_AS[reason]:
            counts.inconsistent += 1  # e.g. "primair" on a figure that is not "<5"
        elif isinstance(value, int | float) and not isinstance(value, bool):
            counts.inconsistent += 1  # named hidden (for another reason), yet shown
    counts.cells_by_reason.update(set(marking.values()))
    counts.inconsistent += sum(
        cell.get(name) in MARKERS for name in cell if name != VERBORGEN and name not in marking
    )
    return counts


Bucket = tuple[str, str, bool]
"""(year, kind of periode, closed on the peildatum)"""

LABELS = {
    "primair": 'primary (`primair`, "<5")',
    "complement": 'complement (`complement`, "x")',
    "secundair": 'secondary (`secundair`, "x")',
    "afgeleid": "derived (`afgeleid`, null)",
}


def count_answer(answer: dict[str, Any]) -> dict[Bucket, Counts]:
    """The counts of one ``GET /api/v1/kpi/{kpi}`` answer per year, kind of periode and
    whether the periode was closed (ended before the answer's peildatum)."""
    peildatum = date.fromisoformat(answer["peildatum"])
    out: dict[Bucket, Counts] = {}
    for cell in answer["cells"]:
        periode = cell["periode"]
        bucket = (periode[:4], periode_kind(periode), periode_bounds(periode)[1] < peildatum)
        out.setdefault(bucket, Counts()).add(count_cell(cell))
    return out


def _get(url: str, key: str | None) -> tuple[int, dict[str, Any]]:
    headers = {"Accept": "application/json", **({"X-API-Key": key} if key else {})}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - the API asked for
    try:
        with urllib.request.urlopen(request, timeout=600) as answer:  # noqa: S310
            return int(answer.status), json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return int(error.code), json.loads(error.read() or b"{}")


def served_kpis(url: str) -> list[str]:
    """The KPIs the API serves, as its 404 problem for an unknown KPI lists them."""
    status, problem = _get(f"{url}/api/v1/kpi/-no-such-kpi-", None)
    if status != 404 or not isinstance(problem.get("available"), list):
        raise SystemExit(f"cannot list the KPIs: {status} {problem}")
    return [str(kpi) for kpi in problem["available"]]


def read_all(url: str, key: str, kpis: list[str]) -> dict[str, Any]:
    """Every KPI as each role; the counts per role, KPI and bucket."""
    result: dict[str, Any] = {"url": url, "kpis": kpis, "roles": {}}
    for role, role_key in (("publiek", None), ("beleid", key)):
        per_kpi: dict[str, dict[Bucket, Counts]] = {}
        peildata: set[str] = set()
        for kpi in kpis:
            status, answer = _get(f"{url}/api/v1/kpi/{kpi}", role_key)
            if status != 200:
                raise SystemExit(f"{role} {kpi}: {status} {answer}")
            peildata.add(answer["peildatum"])
            per_kpi[kpi] = count_answer(answer)
            print(f"{role:8} {kpi:24} {len(answer['cells']):6} cells read", file=sys.stderr)
        result["roles"][role] = {"peildatum": sorted(peildata), "kpis": per_kpi}
    return result


def total(
    per_kpi: dict[str, dict[Bucket, Counts]],
    *,
    closed: bool | None = True,
    year: str | None = None,
    kind: str | None = None,
) -> Counts:
    """The sum over KPIs and buckets; ``closed`` None: open and closed periodes."""
    out = Counts()
    for buckets in per_kpi.values():
        for (y, k, c), counts in buckets.items():
            if (closed is None or c == closed) and year in (None, y) and kind in (None, k):
                out.add(counts)
    return out


def reasons_of(result: dict[str, Any]) -> list[str]:
    seen: set[str] = set()
    for role in result["roles"].values():
        seen |= set(total(role["kpis"], closed=None).fields_by_reason)
    return [r for r in REASONS if r in seen] + sorted(seen - set(REASONS))


def years_of(result: dict[str, Any]) -> list[str]:
    return sorted({y for role in result["roles"].values() for kpi in role["kpis"].values()
                   for (y, _, closed) in kpi if closed})  # fmt: skip


def _row(label: str, values: list[int]) -> str:
    return f"| {label} | " + " | ".join(f"{v:,}" for v in values) + " |"


def _summary(columns: dict[str, Counts], reasons: list[str]) -> list[str]:
    lines = ["| | " + " | ".join(columns) + " |", "|---|" + "---:|" * len(columns)]
    counts = list(columns.values())
    lines.append(_row("cells read", [c.cells for c in counts]))
    lines.append(_row("cells with a hidden field", [c.hidden_cells for c in counts]))
    for reason in reasons:
        label = LABELS.get(reason, f"`{reason}`")
        lines.append(_row(f"cells: {label}", [c.cells_by_reason[reason] for c in counts]))
    for reason in reasons:
        label = LABELS.get(reason, f"`{reason}`")
        lines.append(_row(f"fields: {label}", [c.fields_by_reason[reason] for c in counts]))
    lines.append(_row("cells without `verborgen`", [c.unmarked_cells for c in counts]))
    lines.append(_row("inconsistent markings", [c.inconsistent for c in counts]))
    return lines


def table(result: dict[str, Any]) -> str:
    """Markdown tables: the totals per reason (closed periodes as publiek and beleid, and
    beleid with the open periodes too), then per calendar year, kind of periode and KPI."""
    roles = result["roles"]
    reasons = reasons_of(result)
    short = "/".join(r[:4] for r in reasons)
    lines = _summary(
        {
            "publiek": total(roles["publiek"]["kpis"]),
            "beleid": total(roles["beleid"]["kpis"]),
            "beleid, open periodes too": total(roles["beleid"]["kpis"], closed=None),
        },
        reasons,
    )
    lines += ["", f"| closed periodes of | role | cells | hidden cells | cells {short} "
              f"| fields {short} |", "|---|---|---:|---:|---|---|"]  # fmt: skip
    groups: list[tuple[str, str | None, str | None, str | None]] = [
        *((f"year {y}", y, None, None) for y in years_of(result)),
        *((f"{kind}, all years", None, kind, None) for kind in KINDS),
        *((kpi, None, None, kpi) for kpi in result["kpis"]),
    ]
    for label, year, kind, only in groups:
        for role in ROLES:
            per_kpi = roles[role]["kpis"]
            c = total({only: per_kpi[only]} if only else per_kpi, year=year, kind=kind)
            by_cells = " / ".join(f"{c.cells_by_reason[r]:,}" for r in reasons)
            by_fields = " / ".join(f"{c.fields_by_reason[r]:,}" for r in reasons)
            lines.append(f"| {label} | {role} | {c.cells:,} | {c.hidden_cells:,} | {by_cells} "
                         f"| {by_fields} |")  # fmt: skip
    return "\n".join(lines)


def as_json(result: dict[str, Any]) -> dict[str, Any]:
    roles = {}
    for role, found in result["roles"].items():
        per_kpi = found["kpis"]
        years = sorted({y for kpi in per_kpi.values() for (y, _, _) in kpi})
        roles[role] = {
            "peildatum": found["peildatum"],
            "closed": total(per_kpi).to_json(),
            "open": total(per_kpi, closed=False).to_json(),
            "closed_per_year": {y: total(per_kpi, year=y).to_json() for y in years},
            "closed_per_kind": {k: total(per_kpi, kind=k).to_json() for k in KINDS},
            "per_kpi": {
                kpi: {
                    f"{y} {k} {'closed' if c else 'open'}": counts.to_json()
                    for (y, k, c), counts in sorted(buckets.items())
                }
                for kpi, buckets in per_kpi.items()
            },
        }
    return {**{k: v for k, v in result.items() if k != "roles"}, "roles": roles}


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.disclosure_counts",
        description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--url", default="http://127.0.0.1:8001", help="reporting API")
    parser.add_argument("--key", help="a beleid X-API-Key (required without --start-demo)")
    parser.add_argument("--kpi", action="append", help="only this KPI (repeatable)")
    parser.add_argument("--start-demo", type=int, metavar="MONTHS",
                        help="start a reporting API of its own over this many months of the "
                        "demo (24: make run's), with a beleid key of its own")  # fmt: skip
    parser.add_argument("--scale", type=float, default=1.0, help="demo volume (with --start-demo)")
    parser.add_argument("--json", metavar="FILE", help="also write the counts as JSON here")
    args = parser.parse_args()

    def measure(url: str, key: str) -> dict[str, Any]:
        return read_all(url, key, args.kpi or served_kpis(url))

    if args.start_demo:
        from benchmarks.reporting_system import reporting_on_demo

        key = secrets.token_hex(16)  # this run's own beleid key, for its own reporting API
        keys = {"WIJKPULS_REPORTING_API_KEYS": json.dumps({key: "beleid"})}
        with reporting_on_demo(
            args.start_demo, args.scale, workers=1, termijnen=True, env=keys
        ) as url:
            result = measure(url, key)
        result["demo_months"], result["scale"] = args.start_demo, args.scale
    elif not args.key:
        parser.error("--key (a beleid key) is required without --start-demo")
    else:
        result = measure(args.url, args.key)
    print(table(result))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(as_json(result), out, indent=2)
            out.write("\n")


if __name__ == "__main__":
    main()
