"""The shape of one disclosure table (docs/domain.md#small-numbers, step 3) as a flow network.

A table holds the part rows (the configured wijken in configured order, then ``onbekend``) and
the total row ``gemeente``; its columns are the twelve months, H1, H2 and the year of one year.
Cell positions are row-major: ``row * 15 + column``, column 0-11 the months, 12 H1, 13 H2,
14 the year.

Every tie of the table (gemeente = the parts, per column; H1 = months 1-6, H2 = months 7-12,
year = H1 + H2, per row) is flow conservation in one network in which every cell is one arc:

    O -> GY (gemeente year) -> GH1, GH2 (gemeente half-years) -> GM1..GM12 (gemeente months)
      -> R[r,H] (part r's month m, into the half-year node of m) -> R[r,Y] (part r's half-year)
      -> O (part r's year)

Conservation at O is gemeente year = the parts' years; at GY, GH and R[r,Y] the time ties of
gemeente and of each part; at GM the wijk tie of a month; at R[r,H] the half-year ties of a
part. The wijk ties of H1, H2 and the year follow from these. So a table satisfies every tie
exactly when its cells are a circulation of this network (the two laminar families of ties
form a network matrix, hence a totally unimodular one).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from shared.core.domain_config import GEMEENTE

MONTHS = 12
H1, H2, YEAR = 12, 13, 14
COLUMNS = 15
_PERIODE = re.compile(r"^(?P<year>[0-9]{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|H(?P<half>[12])))?$")


def column_of(periode: str) -> tuple[int, int]:
    """``2026-03`` -> (2026, 2); ``2026-H2`` -> (2026, 13); ``2026`` -> (2026, 14)."""
    match = _PERIODE.match(periode)
    if match is None:
        raise ValueError(f"not a periode: {periode!r} (expected 2026-03, 2026-H1 or 2026)")
    year = int(match["year"])
    if match["month"]:
        return year, int(match["month"]) - 1
    if match["half"]:
        return year, H1 if match["half"] == "1" else H2
    return year, YEAR


def periode_of(year: int, column: int) -> str:
    if column < MONTHS:
        return f"{year}-{column + 1:02d}"
    return {H1: f"{year}-H1", H2: f"{year}-H2"}.get(column, f"{year}")


def _half(month: int) -> int:
    return 0 if month < MONTHS // 2 else 1


@dataclass(frozen=True)
class Layout:
    """Rows, positions and the network of one table; ``rows[-1]`` is ``gemeente``."""

    rows: tuple[str, ...]
    nodes: int
    arcs: tuple[tuple[int, int], ...]
    """Per position: the (tail, head) of its arc."""
    out_arcs: tuple[tuple[tuple[int, int], ...], ...]
    """Per node: (position, head) of the arcs leaving it."""
    in_arcs: tuple[tuple[tuple[int, int], ...], ...]
    """Per node: (position, tail) of the arcs entering it."""

    @classmethod
    def of(cls, parts: Sequence[str]) -> Layout:
        """The layout of a table with these part rows (in order) and ``gemeente``."""
        o, gy, gh, gm = 0, 1, (2, 3), tuple(range(4, 4 + MONTHS))

        def rh(row: int, half: int) -> int:
            return 4 + MONTHS + 3 * row + half

        def ry(row: int) -> int:
            return 4 + MONTHS + 3 * row + 2

        arcs: list[tuple[int, int]] = []
        for row in range(len(parts)):
            arcs += [(gm[m], rh(row, _half(m))) for m in range(MONTHS)]
            arcs += [(rh(row, 0), ry(row)), (rh(row, 1), ry(row)), (ry(row), o)]
        arcs += [(gh[_half(m)], gm[m]) for m in range(MONTHS)]
        arcs += [(gy, gh[0]), (gy, gh[1]), (o, gy)]
        nodes = 4 + MONTHS + 3 * len(parts)
        out_arcs: list[list[tuple[int, int]]] = [[] for _ in range(nodes)]
        in_arcs: list[list[tuple[int, int]]] = [[] for _ in range(nodes)]
        for position, (tail, head) in enumerate(arcs):
            out_arcs[tail].append((position, head))
            in_arcs[head].append((position, tail))
        return cls(
            rows=(*parts, GEMEENTE),
            nodes=nodes,
            arcs=tuple(arcs),
            out_arcs=tuple(tuple(a) for a in out_arcs),
            in_arcs=tuple(tuple(a) for a in in_arcs),
        )

    @property
    def positions(self) -> int:
        return len(self.rows) * COLUMNS

    def additive(self, values: Sequence[int]) -> list[int]:
        """The table with every total recomputed from the part rows' months.

        Equal to ``values`` for a count that adds up; for a distinct count (households) it is
        the table "as if it added up" (docs/domain.md#small-numbers, step 3).
        """
        parts = len(self.rows) - 1
        out = list(values)
        for row in range(parts + 1):
            base = row * COLUMNS
            if row == parts:  # gemeente months = the parts' months
                for m in range(MONTHS):
                    out[base + m] = sum(out[r * COLUMNS + m] for r in range(parts))
            out[base + H1] = sum(out[base : base + MONTHS // 2])
            out[base + H2] = sum(out[base + MONTHS // 2 : base + MONTHS])
            out[base + YEAR] = out[base + H1] + out[base + H2]
        return out
