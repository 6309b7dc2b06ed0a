"""``GET /api/v1/kpi/{kpi}/reeks``: one KPI over many periodes in one call (the trends page).

The answer is made by the same function as the single answer (``routes.publish``), over the
same controlled table, so every cell of a series is exactly the cell a
``GET /api/v1/kpi/{kpi}?periode=<p>`` with the same filters gives, hidden cells and reasons
included (tests/integration/test_reporting_series.py checks it for publiek and beleid).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import AfterValidator, Field

from services.reporting.access import Caller, current_caller
from services.reporting.kpis.cells import Filters, periode_order
from services.reporting.kpis.routes import (
    KpiAnswer,
    Validated,
    _periode,
    controlled_table,
    publish,
    validated,
)
from services.reporting.kpis.series import MAX_PERIODES, Stap, containing, last, series, stap_of
from services.reporting.openapi import INVALID_QUERY_EXAMPLE, UNKNOWN_KPI_EXAMPLE
from services.reporting.query import PeildatumQuery, WetQuery, WijkQuery, invalid
from services.reporting.scopes import sees_small_numbers
from shared.platform.api_rules import CSV, FormatQuery
from shared.platform.problems import problem_response

router = APIRouter(prefix="/api/v1", tags=["kpi"])
KNOWN = frozenset({"stap", "van", "tot", "aantal", "wet", "wijk", "peildatum", "format"})
MONTHS_DEFAULT = 24


class KpiSeries(KpiAnswer):
    stap: Stap = Field(description="`maand`, `halfjaar` or `jaar`")
    perioden: list[str] = Field(
        description="the periodes of the series, oldest first; a periode without a cell had "
        "nothing counted (or, for publiek, is in `weggelaten_perioden`)"
    )


PeriodeOfSeries = Annotated[
    str | None,
    Query(description="a periode of the kind of `stap`", examples=["2024-12", "2024-H2"]),
    AfterValidator(_periode),
]


@router.get(
    "/kpi/{kpi}/reeks",
    summary="One KPI over many periodes (a series) in one call",
    description="The cells of one KPI for consecutive periodes: months (`stap=maand`, "
    f"default the last {MONTHS_DEFAULT} up to the month of the peildatum), half-years or "
    "years (`stap=halfjaar`/`jaar`, default from the first one with a cell up to the one "
    "of the peildatum); `van`, `tot` (periodes of that kind) and `aantal` (from `tot` "
    f"back) choose others, at most {MAX_PERIODES} periodes. Filtered by `wet` and `wijk` "
    "like `GET /api/v1/kpi/{kpi}`, and disclosure-controlled exactly as that answer (the "
    "same function over the same whole table): each cell equals the single answer's cell "
    "of its periode. publiek gets closed periodes only; the others of the series are in "
    "`weggelaten_perioden`. Also CSV (`Accept: text/csv` or `?format=csv`).",
    response_model=KpiSeries,
    responses={
        200: {"content": {CSV: {"schema": {"type": "string"}}}},
        401: problem_response("X-API-Key is not a known key"),
        403: problem_response("a peildatum before today asked by publiek (signed-in roles only)"),
        404: problem_response("no such KPI", UNKNOWN_KPI_EXAMPLE),
        422: problem_response(
            "invalid query (a periode of another kind than stap, van after tot, too long)",
            INVALID_QUERY_EXAMPLE,
        ),
        503: problem_response("the figures store (Redis) does not answer"),
    },
)
async def kpi_series(
    request: Request,
    caller: Annotated[Caller, Depends(current_caller)],
    kpi: Annotated[str, Path(description="KPI name", examples=["doorlooptijd"])],
    stap: Annotated[Stap, Query(description="maand, halfjaar or jaar")] = Stap.MAAND,
    van: PeriodeOfSeries = None,
    tot: PeriodeOfSeries = None,
    aantal: Annotated[
        int | None,
        Query(ge=1, le=MAX_PERIODES, description="the number of periodes up to `tot`"),
    ] = None,
    wet: WetQuery = None,
    wijk: WijkQuery = None,
    peildatum: PeildatumQuery = None,
    format: FormatQuery = None,
) -> Response:
    query = await validated(request, caller, kpi, wijk, peildatum, KNOWN)
    for name, given in (("van", van), ("tot", tot)):
        if given is not None and stap_of(given) is not stap:
            raise invalid(name, f"must be a periode of stap {stap.value}")
    if van is not None and aantal is not None:
        raise invalid("aantal", "give van or aantal, not both")
    end = tot or containing(stap, query.peildatum)
    try:
        if van is not None:
            periodes = series(van, end)
        elif aantal is not None or stap is Stap.MAAND:
            periodes = last(end, aantal or MONTHS_DEFAULT)
        else:
            periodes = await _held(request, caller, query, stap, end)
    except ValueError as exc:
        raise invalid("van", str(exc)) from exc
    filters = Filters(wet=wet.value if wet else None, wijk=query.wijk)
    extra: dict[str, Any] = {"stap": stap.value, "perioden": periodes}
    return await publish(
        request, caller, query.definition, tuple(periodes), filters, query.peildatum,
        query.parameters, series=extra,
    )  # fmt: skip


async def _held(
    request: Request, caller: Caller, query: Validated, stap: Stap, end: str
) -> list[str]:
    """From the oldest periode of ``stap`` with a cell in the KPI's table up to ``end`` (at
    most ``MAX_PERIODES``): "every half-year held". The table is the one the answer is made
    from (cached per content version)."""
    controlled = not sees_small_numbers(caller.role, query.definition)
    _, table = await controlled_table(
        request, query.definition, query.peildatum, controlled=controlled
    )
    held = [key[2] for key in table.cells if stap_of(key[2]) is stap]
    first = min(held, key=periode_order, default=end)
    return [p for p in last(end, MAX_PERIODES) if periode_order(p) >= periode_order(first)]
