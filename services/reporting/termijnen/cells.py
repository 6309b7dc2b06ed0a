"""The cells of open over termijn (``CellSource.TERMIJNEN``), read per request.

Served by ``GET /api/v1/kpi/{kpi}`` like every KPI (services/reporting/kpis/routes.py). Its
cells are not counters but computed for the peildatum with the same code as the
``/open-over-termijn`` list (services/reporting/termijnen/over_termijn.py), so any peildatum is
exact and no periode is ever left out. The definition and the counting are in the pure module
shared/core/kpi/open_over_termijn.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from services.reporting.kpis.cells import CellId, CellOrder, Filters
from services.reporting.query import invalid
from services.reporting.termijnen.over_termijn import find_over_termijn
from services.reporting.wiring import Reporting
from shared.core.domain_config import Wet
from shared.core.kpi.definition import Figure, KpiDefinition
from shared.core.kpi.open_over_termijn import CLOCK, over_termijn_cells
from shared.core.kpi.suppression import SMALL


async def termijnen_cells(
    reporting: Reporting,
    kpi: KpiDefinition,
    filters: Filters,
    peildatum: date,
    *,
    small_numbers: bool,
    parameters: Mapping[str, str],
) -> list[dict[str, Figure]]:
    """Per wet, wijk, periode of the due date and clock: ``n``, the zaken over termijn on
    the peildatum; ``parameters`` may name one clock."""
    clock = parameters.get(CLOCK)
    if clock is not None and clock not in {c.id for c in reporting.domain.clocks}:
        raise invalid(CLOCK, "not a clock of the domain configuration")
    wet = Wet(filters.wet) if filters.wet else None
    clocks = {
        c.id: c
        for c in reporting.domain.clocks
        if (clock is None or c.id == clock) and (wet is None or c.wet is wet)
    }
    found = await find_over_termijn(reporting, peildatum, clocks)
    order, clock_order = CellOrder(reporting.domain.wijk_names), list(clocks)
    cells = sorted(
        (
            (CellId(kpi.name, w, where, p), c, n)
            for (w, where, p, c), n in over_termijn_cells(found).items()
            if filters.match(CellId(kpi.name, w, where, p))
        ),
        key=lambda cell: (order(cell[0]), clock_order.index(cell[1])),
    )
    threshold = reporting.domain.small_numbers.threshold
    return [
        {
            "wet": cell.wet,
            "wijk": cell.wijk,
            "periode": cell.periode,
            CLOCK: c,
            "n": n if small_numbers or n >= threshold else SMALL.format(threshold=threshold),
        }
        for cell, c, n in cells
    ]
