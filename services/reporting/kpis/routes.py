"""``GET /api/v1/kpi/{kpi}``: validate the query, read the cells, publish them for the role.

Every registered KPI (shared/core/kpi/registry.py) is served by this one handler; its
definition says where its cells come from (``CellSource``, services/reporting/kpis/sources.py)
and which query parameters it takes besides the common ones. The configured norms of the KPI
are returned beside its figures.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.reporting.access import Caller, current_caller
from services.reporting.kpis.cells import Filters
from services.reporting.kpis.sources import READERS
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
from shared.core.domain_config import Norm
from shared.core.kpi.periods import is_periode
from shared.core.kpi.registry import PLANNED, SERVED, norms_of
from shared.platform.problems import ProblemError, problem_response

router = APIRouter(prefix="/api/v1", tags=["kpi"])
KPI_PATH = "/api/v1/kpi/{kpi}"


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


class NormAnswer(BaseModel):
    """A norm or target of the KPI (domain configuration ``norms``, docs/domain.md#norms)."""

    figure: str = Field(description="the figure of each cell the norm is about")
    value: int | float
    comparison: Literal[">=", ">", "<=", "<", "=="] = Field(
        description="how the figure relates to `value` when the norm is met (`>=`: at least)"
    )
    unit: str = Field(description="`%`, `werkdagen`, `dagen`, `weken` or `aantal`")
    source: str = Field(description="where the norm comes from")
    valid_from: date | None = Field(
        description="the first day the norm applies; null when its source names no day"
    )

    @classmethod
    def of(cls, norm: Norm) -> NormAnswer:
        return cls(
            figure=norm.figure,
            value=norm.value,
            comparison=norm.comparison,
            unit=norm.unit,
            source=norm.source,
            valid_from=norm.valid_from,
        )


class KpiAnswer(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ANSWER_EXAMPLE]})

    kpi: str
    definitie: str = Field(description="name/version of the KPI definition the figures follow")
    peildatum: date
    cells: list[Cell]
    normen: list[NormAnswer] = Field(
        default_factory=list,
        description="the configured norms and targets of the KPI's figures, with their "
        "source, shown beside the figures; a norm never changes how a figure is computed",
    )
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
    definition = SERVED.get(kpi)
    if definition is None:
        raise _unknown_kpi(kpi)
    refuse_unknown_parameters(request, KNOWN_PARAMETERS | set(definition.parameters))
    wijk = configured_wijk(wijk, reporting.domain)
    peildatum = peildatum_or_today(peildatum, await reporting.current_date())
    filters = Filters(periode=periode, wet=wet.value if wet else None, wijk=wijk)
    parameters = {
        name: request.query_params[name]
        for name in definition.parameters
        if name in request.query_params
    }
    published = await READERS[definition.source](
        reporting,
        definition,
        filters,
        peildatum,
        small_numbers=caller.role.sees_small_numbers,
        parameters=parameters,
    )
    return KpiAnswer(
        kpi=kpi,
        definitie=definition.definitie,
        peildatum=peildatum,
        cells=[Cell.model_validate(cell) for cell in published],
        normen=[NormAnswer.of(norm) for norm in norms_of(definition, reporting.domain)],
        weggelaten_perioden=[],
    )


def document_kpi_parameters(schema: dict[str, Any]) -> dict[str, Any]:
    """The API document with one operation ``/api/v1/kpi/<name>`` for each KPI that takes
    its own query parameters (open-over-termijn: ``clock``), so a client sees them.

    Documentation only: the request is served by ``GET /api/v1/kpi/{kpi}`` like every KPI.
    """
    generic = schema["paths"][KPI_PATH]["get"]
    for kpi in SERVED.values():
        if not kpi.parameters:
            continue
        name = kpi.name.replace("-", "_")
        operation = copy.deepcopy(generic)
        operation["summary"] = kpi.title or kpi.name
        operation["description"] = kpi.summary
        operation["operationId"] = f"{name}_cells_api_v1_kpi_{name}_get"
        operation["responses"].pop("404", None)
        for content in operation["responses"].get("422", {}).get("content", {}).values():
            content.pop("example", None)  # the generic example names no parameter of its own
        operation["parameters"] = [p for p in operation["parameters"] if p["name"] != "kpi"] + [
            {
                "name": parameter,
                "in": "query",
                "required": False,
                "schema": {
                    "anyOf": [{"type": "string"}, {"type": "null"}],
                    "description": meaning,
                    "title": parameter.title(),
                },
                "description": meaning,
            }
            for parameter, meaning in kpi.parameters.items()
        ]
        schema["paths"][KPI_PATH.replace("{kpi}", kpi.name)] = {"get": operation}
    return schema


def install_kpi_documentation(app: FastAPI) -> None:
    """``app.openapi()`` with ``document_kpi_parameters`` applied, made once and kept."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_kpi_parameters(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _unknown_kpi(kpi: str) -> ProblemError:
    available = sorted(SERVED)
    reason = "defined but not published yet" if kpi in PLANNED else "no such KPI"
    return ProblemError(
        404,
        "unknown-kpi",
        "Unknown KPI",
        f"available: {', '.join(available)}",
        [{"field": "kpi", "reason": reason}],
        available=available,
    )
