"""Which cells answer a query, in which order, and what a caller may see of them.

Pure: cell names and counters in, published cells out. Every KPI's counters are dated
(shared/core/kpi/dated.py), so a cell answers every peildatum exactly: a periode that had
ended by it, and one still running on it (cut at the peildatum), whether the peildatum is
today or earlier. Only a periode that starts after the peildatum has nothing counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from shared.core.domain_config import GEMEENTE, ONBEKEND, Wet
from shared.core.kpi.cells import cell_key
from shared.core.kpi.definition import NO_CONTEXT, CellContext, Figure, KpiDefinition
from shared.core.kpi.periods import is_periode, periode_bounds
from shared.core.kpi.suppression import suppress_cell


@dataclass(frozen=True)
class CellId:
    kpi: str
    wet: str
    wijk: str
    periode: str

    @classmethod
    def parse(cls, name: str) -> CellId | None:
        """A ``kpi|wet|wijk|periode`` cell name (shared/core/kpi/contribution.py cell_key)."""
        parts = name.split("|")
        if len(parts) != 4 or not is_periode(parts[3]):
            return None
        return cls(*parts)

    @property
    def name(self) -> str:
        return cell_key(self.kpi, self.wet, self.wijk, self.periode)


@dataclass(frozen=True)
class Filters:
    periode: str | None = None
    wet: str | None = None
    wijk: str | None = None

    def match(self, cell: CellId) -> bool:
        return all(
            wanted is None or wanted == got
            for wanted, got in (
                (self.periode, cell.periode),
                (self.wet, cell.wet),
                (self.wijk, cell.wijk),
            )
        )


def select(names: Iterable[str], kpi: str, filters: Filters, peildatum: date) -> list[CellId]:
    """The stored cells of ``kpi`` that match the filters and have begun by the peildatum."""
    cells: list[CellId] = []
    for name in names:
        cell = CellId.parse(name)
        if cell is None or cell.kpi != kpi or not filters.match(cell):
            continue
        if periode_bounds(cell.periode)[0] <= peildatum:
            cells.append(cell)
    return cells


def periode_order(periode: str) -> tuple[date, int]:
    """Chronological, a longer periode before the ones inside it: 2026, 2026-H1, 2026-01..."""
    first, last = periode_bounds(periode)
    return first, -last.toordinal()


class CellOrder:
    """wet as listed in Wet; wijk in configured order, then onbekend, then gemeente; periode."""

    def __init__(self, wijk_names: Sequence[str]) -> None:
        self._wets = {w.value: i for i, w in enumerate(Wet)}
        self._wijken = {w: i for i, w in enumerate([*wijk_names, ONBEKEND, GEMEENTE])}

    def __call__(self, cell: CellId) -> tuple[int, str, int, str, tuple[date, int]]:
        # Names no longer configured (a wijk renamed since) sort after, by name.
        return (
            self._wets.get(cell.wet, len(self._wets)),
            cell.wet,
            self._wijken.get(cell.wijk, len(self._wijken)),
            cell.wijk,
            periode_order(cell.periode),
        )


def publish(
    kpi: KpiDefinition,
    cell: CellId,
    counters: Mapping[str, str],
    peildatum: date,
    *,
    threshold: int,
    small_numbers: bool,
    context: CellContext = NO_CONTEXT,
) -> dict[str, Figure] | None:
    """The published cell; None for a cell with nothing counted (it may be absent)."""
    if kpi.figures is None:
        raise ValueError(f"{kpi.name} has no counters: its cells are computed per request")
    figures = kpi.figures(counters, peildatum, context)
    if not figures.get(kpi.basis):
        return None
    published: dict[str, Figure] = {"wet": cell.wet, "wijk": cell.wijk, "periode": cell.periode}
    published.update(figures)
    if small_numbers:
        return published
    return suppress_cell(
        published,
        counts=set(kpi.counts),
        basis=kpi.basis,
        threshold=threshold,
        statistic_bases=kpi.statistic_bases,
    )
