"""What changed in an issued report since it was issued (pure: rows in, changes out).

Late events move closed half-years (a besluit registered weeks after the fact), so a report
handed to the raad can differ from today's figures. Both sides are the same report rows
(sth.py ``rows``) read with the same disclosure control, so a difference is a real change
of a published figure, never a control artefact: a count that went from 6 to ``"<5"`` shows
as that.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# The figures of a row a reader compares; cbs_code, norm text and halfjaar label are not
# figures, and a changed reason (verborgen) shows through its value.
FIELDS = ("n", "teller", "pct", "vorig_pct", "norm_gehaald")


def _by_cell(rows: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], Mapping[str, Any]]:
    return {(str(row["kpi"]), str(row["wijk"])): row for row in rows}


def changes(
    issued: Sequence[Mapping[str, Any]], now: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Per KPI, wijk and figure whose value differs: ``uitgegeven`` (as issued) and ``nu``,
    in the issued report's row order (a row only one side has comes after, with null on the
    other side)."""
    before, after = _by_cell(issued), _by_cell(now)
    order = list(before) + [cell for cell in after if cell not in before]
    found: list[dict[str, Any]] = []
    for cell in order:
        old, new = before.get(cell, {}), after.get(cell, {})
        for field in FIELDS:
            if old.get(field) != new.get(field):
                found.append({
                    "kpi": cell[0], "wijk": cell[1], "veld": field,
                    "uitgegeven": old.get(field), "nu": new.get(field),
                })  # fmt: skip
    return found
