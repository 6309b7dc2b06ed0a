"""Small-number suppression (docs/domain.md#small-numbers): counts below the threshold show as
"<5", and
statistics over fewer cases than the threshold are withheld, unless the role may see them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SMALL = "<{threshold}"


def suppress_cell(
    cell: dict[str, Any],
    counts: set[str],
    basis: str,
    threshold: int,
    statistic_bases: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Hide the small counts in ``counts``; withhold every other figure when its basis is small.

    A statistic's basis is ``basis`` unless ``statistic_bases`` names another count for it
    (a median over the zaken with a contact is over those, not over all zaken).
    """
    out = dict(cell)
    bases = statistic_bases or {}
    for name, value in cell.items():
        if name in counts:
            if int(value) < threshold:
                out[name] = SMALL.format(threshold=threshold)
        elif _is_statistic(value) and int(cell[bases.get(name, basis)]) < threshold:
            out[name] = None
    return out


def _is_statistic(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
