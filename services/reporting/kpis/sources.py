"""Where a KPI's cells come from, by its definition's ``CellSource``: one reader per source.

A reader gives the **whole table** of the KPI at the peildatum (every wet, wijk, periode and
clock; never filtered, docs/domain.md#small-numbers) as a content version and a function that
computes the cells' figures, so a cached controlled table is reused while nothing it was
computed from changed (services/reporting/kpis/controlled.py).

Counters (zaken, vroegsignaalzaken) are read from Redis and turned into figures with the KPI's
pure function, with the cell's ``gewijzigd`` beside them where the worker keeps one (zaken and
vroegsignaalzaken, docs/kpis.md#gewijzigd); open over termijn is computed per request from
the termijnen documents (services/reporting/termijnen/cells.py).
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
from shared.core.kpi.gewijzigd import GEWIJZIGD


class TableReader(Protocol):
    def __call__(
        self, reporting: Reporting, kpi: KpiDefinition, peildatum: date
    ) -> Awaitable[Table]: ...


async def counted_table(reporting: Reporting, kpi: KpiDefinition, peildatum: date) -> Table:
    """Every stored cell of the KPI that has begun by the peildatum, read in one transaction;
    the version is the KPI's content sum or computed in Redis (``FigureStore.version``).
    With a content sum the cell names and the counters are each read in one transaction with
    it and kept only when both are the version's: the table is then made of exactly the
    content the version stands for, and a kept answer checked against it is never stale."""
    store = reporting.store
    version = await store.version(kpi.name)

    async def load() -> Loaded:
        if kpi.figures is None:
            raise ValueError(f"{kpi.name} has no counters: its cells are computed per request")
        named, stored = await store.cell_names_at(kpi.name)
        selected = select(stored, kpi.name, Filters(), peildatum)
        names = [cell.name for cell in selected]
        # the counters, their gewijzigd (docs/kpis.md#gewijzigd) and the sum in one MULTI
        counted, counters, changes = await store.counters_at(kpi.name, names)
        out: Cells = {}
        for cell, fields, changed in zip(selected, counters, changes, strict=True):
            context = CellContext.of(cell.wijk, reporting.domain)
            figures: dict[str, Figure] = kpi.figures(fields, peildatum, context)
            if figures.get(kpi.basis):
                if changed is not None:  # when the figure last changed
                    figures[GEWIJZIGD] = changed
                out[(cell.wet, cell.wijk, cell.periode, None)] = figures
        if named is None and counted is None:  # no content sum: walk again
            return Loaded(out, await store.version(kpi.name, fresh=True) == version)
        return Loaded(out, named == counted == version)

    return Table(version, load)


READERS: Mapping[CellSource, TableReader] = {
    CellSource.ZAKEN: counted_table,
    CellSource.VROEGSIGNAALZAKEN: counted_table,
    CellSource.TERMIJNEN: termijnen_table,
}
