"""Small-number suppression (BRIEF §4): counts below the threshold show as "<5", and
statistics over fewer cases than the threshold are withheld, unless the role may see them."""

from __future__ import annotations

from typing import Any

SMALL = "<{threshold}"


def suppress_cell(
    cell: dict[str, Any], counts: set[str], basis: str, threshold: int
) -> dict[str, Any]:
    """Hide the small counts in ``counts``; withhold every other figure when ``basis`` is small."""
    out = dict(cell)
    small_basis = int(cell[basis]) < threshold
    for name, value in cell.items():
        if name in counts:
            if int(value) < threshold:
                out[name] = SMALL.format(threshold=threshold)
        elif small_basis and isinstance(value, int | float) and not isinstance(value, bool):
            out[name] = None
    return out
