"""A controlled cell as the API shows it (docs/domain.md#small-numbers, docs/kpis.md).

JSON keeps every figure a client read before: a count hidden as small is ``"<5"``, a count
hidden for its complement or by secondary suppression is ``"x"`` (at least the threshold), a
withheld figure is ``null``; beside it ``verborgen`` names each hidden field and why, so a
machine never has to guess from the type. CSV leaves a hidden figure empty and names the
hidden fields in its ``verborgen`` column (``n=primair;tijdig_pct=afgeleid``).

``gewijzigd`` (when the cell's figure last changed, docs/kpis.md#gewijzigd) follows the figures;
a controlled cell with any hidden count withholds it: absent, named ``afgeleid`` in
``verborgen`` (the moment a hidden count changed is something learnt about it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from services.reporting.kpis.controlled import ControlledCell
from shared.core.domain_config import GEMEENTE, DomainConfig
from shared.core.kpi.definition import CellSource, Figure, KpiDefinition
from shared.core.kpi.disclosure import AFGELEID, PRIMAIR, CellKey
from shared.core.kpi.gewijzigd import GEWIJZIGD
from shared.core.kpi.open_over_termijn import CLOCK
from shared.core.kpi.periods import periode_bounds

HIDDEN_LARGE = "x"
VERBORGEN = "verborgen"
CBS_CODE = "cbs_code"
Shown = dict[str, Figure | dict[str, str]]


def cbs_codes(domain: DomainConfig) -> dict[str, str]:
    """Wijk name -> its CBS code where configured; gemeente -> GM + the gemeentecode."""
    codes = {w.naam: w.cbs_code for w in domain.wijken if w.cbs_code}
    codes[GEMEENTE] = f"GM{domain.gemeente.gemeentecode}"
    return codes


def shown_cell(
    key: CellKey,
    cell: ControlledCell,
    *,
    controlled: bool,
    threshold: int,
    codes: Mapping[str, str],
) -> Shown:
    wet, wijk, periode, split = key
    out: Shown = {"wet": wet, "wijk": wijk, CBS_CODE: codes.get(wijk), "periode": periode}
    if split is not None:
        out[CLOCK] = split
    for name, value in cell.figures.items():
        reason = cell.hidden.get(name) if controlled else None
        if reason is None:
            out[name] = value
        elif reason == PRIMAIR:
            out[name] = f"<{threshold}"
        elif name == GEWIJZIGD:
            continue  # withheld: absent, named in verborgen
        elif reason == AFGELEID:
            out[name] = None
        else:
            out[name] = HIDDEN_LARGE
    if controlled:
        out[VERBORGEN] = dict(cell.hidden)
    return out


def closed(periode: str, peildatum: date) -> bool:
    """Whether the periode had ended on the peildatum (its last day is before it)."""
    return periode_bounds(periode)[1] < peildatum


def csv_columns(kpi: KpiDefinition) -> list[str]:
    head = ["wet", "wijk", CBS_CODE, "periode"]
    if CLOCK in kpi.figure_docs:
        head.append(CLOCK)
    dated = [GEWIJZIGD] if kpi.source is not CellSource.TERMIJNEN else []
    return [*head, *(f for f in kpi.figure_docs if f != CLOCK), *dated, VERBORGEN]


def csv_rows(cells: Iterable[Shown]) -> list[dict[str, object]]:
    """The JSON cells as CSV rows: a hidden figure empty, the reasons in ``verborgen``."""
    rows = []
    for cell in cells:
        hidden = cell.get(VERBORGEN)
        reasons: Mapping[str, str] = hidden if isinstance(hidden, dict) else {}
        row: dict[str, object] = {k: v for k, v in cell.items() if k not in reasons}
        row[VERBORGEN] = ";".join(f"{f}={r}" for f, r in reasons.items())
        rows.append(row)
    return rows


def csv_example(columns: Sequence[str]) -> str:
    return ",".join(columns)
