"""Where a KPI's cells come from, by its definition's ``CellSource``: one reader per source.

Counters (zaken, vroegsignaalzaken) are read from Redis and turned into figures with the KPI's
pure function; open over termijn is computed per request from the termijnen documents.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from datetime import date
from typing import Protocol

from services.reporting.kpis.cells import CellOrder, Filters, publish, select
from services.reporting.termijnen.cells import termijnen_cells
from services.reporting.wiring import Reporting
from shared.core.kpi.definition import CellContext, CellSource, Figure, KpiDefinition


class CellReader(Protocol):
    def __call__(
        self,
        reporting: Reporting,
        kpi: KpiDefinition,
        filters: Filters,
        peildatum: date,
        *,
        small_numbers: bool,
        parameters: Mapping[str, str],
    ) -> Awaitable[list[dict[str, Figure]]]: ...


async def counted_cells(
    reporting: Reporting,
    kpi: KpiDefinition,
    filters: Filters,
    peildatum: date,
    *,
    small_numbers: bool,
    parameters: Mapping[str, str],
) -> list[dict[str, Figure]]:
    """The KPI's stored cells that match, in order, published for the role."""
    selected = select(await reporting.store.cell_names(), kpi.name, filters, peildatum)
    cells = sorted(selected, key=CellOrder(reporting.domain.wijk_names))
    counters = await reporting.store.counters([cell.name for cell in cells])
    threshold = reporting.domain.small_numbers.threshold
    published = [
        publish(
            kpi,
            cell,
            fields,
            peildatum,
            threshold=threshold,
            small_numbers=small_numbers,
            context=CellContext.of(cell.wijk, reporting.domain),
        )
        for cell, fields in zip(cells, counters, strict=True)
    ]
    return [cell for cell in published if cell is not None]


READERS: Mapping[CellSource, CellReader] = {
    CellSource.ZAKEN: counted_cells,
    CellSource.VROEGSIGNAALZAKEN: counted_cells,
    CellSource.TERMIJNEN: termijnen_cells,
}
