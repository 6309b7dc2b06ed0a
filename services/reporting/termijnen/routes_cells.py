"""``GET /api/v1/kpi/open-over-termijn``: open over termijn as KPI cells (BRIEF §4.1 style).

Registered before ``/kpi/{kpi}``: its figures are not counters but computed per request with
the same code as the ``/open-over-termijn`` list (services/reporting/termijnen/over_termijn.py), so
any
peildatum is exact and no periode is ever left out.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from services.reporting.access import Caller, current_caller
from services.reporting.kpis.cells import CellId, CellOrder, Filters
from services.reporting.kpis.routes import Cell, KpiAnswer, PeriodeQuery
from services.reporting.query import (
    PeildatumQuery,
    WetQuery,
    WijkQuery,
    configured_wijk,
    invalid,
    peildatum_or_today,
    refuse_unknown_parameters,
)
from services.reporting.termijnen.explanation import DEFINITIE, over_termijn_cells
from services.reporting.termijnen.over_termijn import find_over_termijn
from services.reporting.wiring import Reporting
from shared.core.kpi.suppression import SMALL
from shared.platform.problems import problem_response

KPI = "open-over-termijn"
DESCRIPTION = (
    "Open over termijn (BRIEF §4) as cells: per wet, wijk, periode and clock, `n` = the zaken "
    "whose due date (after opschorting, verdaging and the Atw shift, as of the peildatum) is "
    "before the peildatum and whose clock had not ended on it: neither its stopping event "
    "nor, while that is not known, zaak.afgesloten or (for a step before the besluit) the "
    "besluit, on or before the peildatum. **periode is the "
    "periode of the due date**: the cells tell how long the backlog on the peildatum has "
    "been over termijn; a zaak counts in the month, half-year and year its term ran out, in "
    "its wijk and in gemeente. Computed per request, exactly, for any peildatum (so "
    "`weggelaten_perioden` is always empty). For publiek a count below the threshold is "
    '`"<5"`. The zaken themselves: `GET /api/v1/open-over-termijn` (role analist).'
)

router = APIRouter(prefix="/api/v1", tags=["kpi"])


@router.get(
    f"/kpi/{KPI}",
    summary="Open over termijn per wet, wijk, periode of the due date and clock",
    description=DESCRIPTION,
    response_model=KpiAnswer,
    responses={
        401: problem_response("X-API-Key is not a known key"),
        422: problem_response("invalid query; each parameter and reason is listed"),
        503: problem_response("the figures store (Redis) does not answer"),
    },
)
async def open_over_termijn_cells(
    request: Request,
    caller: Annotated[Caller, Depends(current_caller)],
    periode: PeriodeQuery = None,
    wet: WetQuery = None,
    wijk: WijkQuery = None,
    peildatum: PeildatumQuery = None,
    clock: Annotated[str | None, Query(description="Only this clock.")] = None,
) -> KpiAnswer:
    reporting: Reporting = request.app.state.reporting
    refuse_unknown_parameters(request, ("periode", "wet", "wijk", "peildatum", "clock"))
    wijk = configured_wijk(wijk, reporting.domain)
    peildatum = peildatum_or_today(peildatum, await reporting.current_date())
    if clock is not None and clock not in {c.id for c in reporting.domain.clocks}:
        raise invalid("clock", "not a clock of the domain configuration")
    clocks = {
        c.id: c
        for c in reporting.domain.clocks
        if (clock is None or c.id == clock) and (wet is None or c.wet is wet)
    }
    found = await find_over_termijn(reporting, peildatum, clocks)
    filters = Filters(periode=periode, wet=wet.value if wet else None, wijk=wijk)
    order, clock_order = CellOrder(reporting.domain.wijk_names), list(clocks)
    cells = sorted(
        (
            (CellId(KPI, w, where, p), c, n)
            for (w, where, p, c), n in over_termijn_cells(found).items()
            if filters.match(CellId(KPI, w, where, p))
        ),
        key=lambda cell: (order(cell[0]), clock_order.index(cell[1])),
    )
    threshold = reporting.domain.small_numbers.threshold
    small = not caller.role.sees_small_numbers
    return KpiAnswer(
        kpi=KPI,
        definitie=DEFINITIE,
        peildatum=peildatum,
        cells=[
            Cell(
                wet=cell.wet,
                wijk=cell.wijk,
                periode=cell.periode,
                clock=c,
                n=SMALL.format(threshold=threshold) if small and n < threshold else n,
            )
            for cell, c, n in cells
        ],
        weggelaten_perioden=[],
    )
