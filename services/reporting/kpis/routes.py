"""``GET /api/v1/kpi/{kpi}``: validate the query, read the cells, publish them for the role."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.reporting.access import Caller, current_caller
from services.reporting.kpis import AVAILABLE, PLANNED, CellContext
from services.reporting.kpis.cells import CellOrder, Filters, publish, select
from services.reporting.openapi import (
    ANSWER_EXAMPLE,
    INVALID_QUERY_EXAMPLE,
    UNKNOWN_KPI_EXAMPLE,
    kpi_route_description,
)
from services.reporting.query import (
    PeildatumQuery,
    WetQuery,
    WijkQuery,
    configured_wijk,
    peildatum_or_today,
    refuse_unknown_parameters,
)
from services.reporting.wiring import Reporting
from shared.core.kpi.periods import is_periode
from shared.platform.problems import ProblemError, problem_response

router = APIRouter(prefix="/api/v1", tags=["kpi"])


def _periode(value: str) -> str:
    if not is_periode(value):
        raise ValueError("must look like 2026-03 (month), 2026-H1 (half-year) or 2026 (year)")
    return value


PeriodeQuery = Annotated[
    str | None,
    Query(
        description="Month `2026-03`, half-year `2026-H1`/`2026-H2` or year `2026`; "
        "without it every periode's cells.",
        examples=["2026-03", "2026-H1", "2026"],
    ),
    AfterValidator(_periode),
]
KNOWN_PARAMETERS = frozenset({"periode", "wet", "wijk", "peildatum"})


class Cell(BaseModel):
    """One cell; the figures after `periode` depend on the KPI (see the route)."""

    model_config = ConfigDict(extra="allow")

    wet: str
    wijk: str
    periode: str


class KpiAnswer(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ANSWER_EXAMPLE]})

    kpi: str
    definitie: str = Field(description="name/version of the KPI definition the figures follow")
    peildatum: date
    cells: list[Cell]
    weggelaten_perioden: list[str] = Field(
        description="always empty: every periode, running or closed, is given for every "
        "peildatum (kept for clients that read it)"
    )


@router.get(
    "/kpi/{kpi}",
    summary="Figures of one KPI per wet, wijk and periode",
    description=kpi_route_description(),
    response_model=KpiAnswer,
    responses={
        401: problem_response("X-API-Key is not a known key"),
        404: problem_response(
            "no such KPI; the problem lists the available ones", UNKNOWN_KPI_EXAMPLE
        ),
        422: problem_response(
            "invalid query; each parameter and reason is listed", INVALID_QUERY_EXAMPLE
        ),
        503: problem_response("the figures store (Redis) does not answer"),
    },
)
async def kpi_cells(
    request: Request,
    caller: Annotated[Caller, Depends(current_caller)],
    kpi: Annotated[str, Path(description="KPI name", examples=["doorlooptijd"])],
    periode: PeriodeQuery = None,
    wet: WetQuery = None,
    wijk: WijkQuery = None,
    peildatum: PeildatumQuery = None,
) -> KpiAnswer:
    reporting: Reporting = request.app.state.reporting
    definition = AVAILABLE.get(kpi)
    if definition is None:
        raise _unknown_kpi(kpi)
    refuse_unknown_parameters(request, KNOWN_PARAMETERS)
    wijk = configured_wijk(wijk, reporting.domain)
    peildatum = peildatum_or_today(peildatum, await reporting.current_date())
    filters = Filters(periode=periode, wet=wet.value if wet else None, wijk=wijk)
    selected = select(await reporting.store.cell_names(), kpi, filters, peildatum)
    cells = sorted(selected, key=CellOrder(reporting.domain.wijk_names))
    counters = await reporting.store.counters([cell.name for cell in cells])
    threshold = reporting.domain.small_numbers.threshold
    published = [
        publish(
            definition,
            cell,
            fields,
            peildatum,
            threshold=threshold,
            small_numbers=caller.role.sees_small_numbers,
            context=CellContext.of(cell.wijk, reporting.domain),
        )
        for cell, fields in zip(cells, counters, strict=True)
    ]
    return KpiAnswer(
        kpi=kpi,
        definitie=definition.definitie,
        peildatum=peildatum,
        cells=[Cell.model_validate(cell) for cell in published if cell is not None],
        weggelaten_perioden=[],
    )


COMPUTED_PER_REQUEST = ("open-over-termijn",)
"""KPIs served by their own route before ``/kpi/{kpi}`` (routes_over_termijn.py)."""


def _unknown_kpi(kpi: str) -> ProblemError:
    available = sorted([*AVAILABLE, *COMPUTED_PER_REQUEST])
    reason = "defined but not published yet" if kpi in PLANNED else "no such KPI"
    return ProblemError(
        404,
        "unknown-kpi",
        "Unknown KPI",
        f"available: {', '.join(available)}",
        [{"field": "kpi", "reason": reason}],
        available=available,
    )
