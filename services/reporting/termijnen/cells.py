"""The cells of open over termijn (``CellSource.TERMIJNEN``), read per request.

Served by ``GET /api/v1/kpi/{kpi}`` like every KPI (services/reporting/kpis/routes.py). Its
cells are not counters but computed for the peildatum with the same code as the
``/open-over-termijn`` list (services/reporting/termijnen/over_termijn.py), so any peildatum is
exact and no periode is ever left out. The definition and the counting are in the pure module
shared/core/kpi/open_over_termijn.py. The whole table (every clock) is computed: disclosure
control runs over all of it (docs/domain.md#small-numbers), the route filters afterwards.
"""

from __future__ import annotations

from datetime import date

from services.reporting.kpis.controlled import Cells, content_version
from services.reporting.kpis.table import Loaded, Table
from services.reporting.termijnen.over_termijn import find_over_termijn
from services.reporting.wiring import Reporting
from shared.core.kpi.definition import KpiDefinition
from shared.core.kpi.open_over_termijn import over_termijn_cells


async def termijnen_table(reporting: Reporting, kpi: KpiDefinition, peildatum: date) -> Table:
    """Per wet, wijk, periode of the due date and clock: ``n``, the zaken over termijn on
    the peildatum, for every configured clock."""
    clocks = {c.id: c for c in reporting.domain.clocks}
    found = await find_over_termijn(reporting, peildatum, clocks)
    counted = over_termijn_cells(found)
    version = content_version([("|".join(key), {"n": n}) for key, n in counted.items()])

    async def load() -> Loaded:
        cells: Cells = {(w, where, p, c): {"n": n} for (w, where, p, c), n in counted.items()}
        return Loaded(cells, consistent=True)

    return Table(version, load)
