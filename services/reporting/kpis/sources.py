"""Where a KPI's cells come from, by its definition's ``CellSource``: one reader per source.

A reader gives the **whole table** of the KPI at the peildatum (every wet, wijk, periode and
clock; never filtered, docs/domain.md#small-numbers) as a content version and a function that
computes the cells' figures, so a cached controlled table is reused while nothing it was
computed from changed (services/reporting/kpis/controlled.py).

Counters (zaken, vroegsignaalzaken) are read from Redis and turned into figures with the KPI's
pure function; open over termijn is computed per request from the termijnen documents
(services/reporting/termijnen/cells.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from datetime import date
from typing import Protocol

from services.reporting.kpis.cells import Filters, select
from services.reporting.kpis.controlled import Cells
from services.reporting.kpis.table import Loaded, Table
from services.reporting.termijnen.cells import termijnen_table
from services.reporting.wiring import Reporting
from shared.core.kpi.definition import CellContext, CellSource, Figure, KpiDefinition


class TableReader(Protocol):
    def __call__(
        self, reporting: Reporting, kpi: KpiDefinition, peildatum: date
    ) -> Awaitable[Table]: ...


async def counted_table(reporting: Reporting, kpi: KpiDefinition, peildatum: date) -> Table:
    """Every stored cell of the KPI that has begun by the peildatum, read in one transaction;
    the version is computed in Redis (``FigureStore.version``)."""
    version = await reporting.store.version(kpi.name)

    async def load() -> Loaded:
        if kpi.figures is None:
            raise ValueError(f"{kpi.name} has no counters: its cells are computed per request")
        selected = select(await reporting.store.cell_names(), kpi.name, Filters(), peildatum)
        counters = await reporting.store.counters([cell.name for cell in selected])
        out: Cells = {}
        for cell, fields in zip(selected, counters, strict=True):
            context = CellContext.of(cell.wijk, reporting.domain)
            figures: dict[str, Figure] = kpi.figures(fields, peildatum, context)
            if figures.get(kpi.basis):
                out[(cell.wet, cell.wijk, cell.periode, None)] = figures
        return Loaded(out, await reporting.store.version(kpi.name, fresh=True) == version)

    return Table(version, load)


READERS: Mapping[CellSource, TableReader] = {
    CellSource.ZAKEN: counted_table,
    CellSource.VROEGSIGNAALZAKEN: counted_table,
    CellSource.TERMIJNEN: termijnen_table,
}
