"""``GET /api/v1/kpi/{kpi}``: validate the query, read the cells, publish them for the role.

Every registered KPI (shared/core/kpi/registry.py) is served by this one handler; its
definition says where its cells come from (``CellSource``, services/reporting/kpis/sources.py)
and which query parameters it takes besides the common ones. The configured norms of the KPI
are returned beside its figures.
"""

from __future__ import annotations

import asyncio
import copy
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.reporting.access import Caller, current_caller
from services.reporting.kpis.answers import Answer, AnswerCache
from services.reporting.kpis.cells import CellId, CellOrder, Filters, periode_order
from services.reporting.kpis.controlled import (
    Controlled,
    ControlledCache,
    control,
    small_cells,
    uncontrolled,
)
from services.reporting.kpis.disclosure_rules import rules_of
from services.reporting.kpis.present import (
    VERBORGEN,
    cbs_codes,
    closed,
    csv_columns,
    csv_rows,
    shown_cell,
)
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
    invalid,
    peildatum_or_today,
    refuse_unknown_parameters,
)
from services.reporting.scopes import exact_wijken, sees_small_numbers
from services.reporting.settings import ReportingRole
from services.reporting.wiring import Reporting
from shared.core.domain_config import Norm
from shared.core.kpi.definition import KpiDefinition
from shared.core.kpi.disclosure import CellKey, Reason
from shared.core.kpi.open_over_termijn import CLOCK
from shared.core.kpi.periods import is_periode
from shared.core.kpi.registry import PLANNED, SERVED, norms_of
from shared.platform.api_rules import CSV, CsvTable, FormatQuery, to_csv, wants_csv
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
KNOWN_PARAMETERS = frozenset({"periode", "wet", "wijk", "peildatum", "format"})


class Cell(BaseModel):
    """One cell; the figures after `periode` depend on the KPI (see the route). In a
    controlled cell a hidden count is `"<5"` (small) or `"x"` (at least 5: hidden
    for its complement or by secondary suppression), a withheld figure is `null`, and
    `verborgen` names each of them with the reason (docs/domain.md#small-numbers).
    After the figures, `gewijzigd` (string, RFC 3339 UTC with milliseconds,
    `2026-03-02T08:15:00.123Z`): when the cell's figure last changed, the latest moment the
    intake (or, for the vroegsignalen KPIs, the signals service) accepted a record that
    changed a zaak's count in it (docs/kpis.md#gewijzigd); every KPI but open over termijn
    (computed per request), absent where not known; in a controlled cell with a hidden count
    it is absent and named `afgeleid` in `verborgen`."""

    model_config = ConfigDict(extra="allow")

    wet: str
    wijk: str
    cbs_code: str | None = Field(
        description="the CBS code of the wijk (`WK079401`) where configured, of the "
        "gemeente (`GM0794`) for `gemeente`; null for `onbekend` and a wijk without one"
    )
    periode: str
    verborgen: dict[str, Reason] | None = Field(
        None,
        description="controlled cells only (publiek, beleid; a teamleider outside its own "
        "wijken; vroegsignalering outside its own KPIs): the hidden figures of "
        'the cell -> why: `primair` (a count of 1-4, shown as `"<5"`), `complement` (the '
        'rest of its total is 1-4, shown as `"x"`), `secundair` (hidden so that no '
        'hidden count can be worked out from the totals, shown as `"x"`), `afgeleid` '
        "(computed from a hidden count, `null`); `{}` when every figure is shown. Absent on "
        "the cells a role reads exact (small numbers included).",
        examples=[{"n_tijdig": "complement", "tijdig_pct": "afgeleid"}],
    )


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
        description="for the role publiek: the periodes asked for (or met among the cells) "
        "that had not ended on the peildatum; they are left out (docs/domain.md#small-numbers, "
        "step 4) and given to signed-in roles. Empty for every other role."
    )


@router.get(
    "/kpi/{kpi}",
    summary="Figures of one KPI per wet, wijk and periode",
    description=kpi_route_description(),
    response_model=KpiAnswer,
    responses={
        200: {
            "description": "The cells as JSON; with `Accept: text/csv` or `?format=csv` the "
            "same cells as CSV (RFC 4180, UTF-8, a header row): one row per cell, a hidden "
            "figure empty and the `verborgen` column naming each hidden figure and why "
            "(`n=primair;tijdig_pct=afgeleid`; empty when all is shown). Before `verborgen` a "
            "`gewijzigd` column (every KPI but open over termijn): when the cell's figure last "
            "changed, empty where withheld or not known.",
            "headers": {"API-Version": {"schema": {"type": "string"}, "description": "API semver"}},
            "content": {
                CSV: {
                    "schema": {"type": "string"},
                    "example": "wet,wijk,cbs_code,periode,n,n_tijdig,tijdig_pct,median,p90,"
                    "gewijzigd,verborgen\r\nwmo,Dierdonk,WK079406,2026-03,,,,,,,"
                    "n=primair;n_tijdig=primair;tijdig_pct=afgeleid;median=afgeleid;"
                    "p90=afgeleid;gewijzigd=afgeleid\r\n",
                }
            },
        },
        401: problem_response("X-API-Key is not a known key"),
        403: problem_response("a peildatum before today asked by publiek (signed-in roles only)"),
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
    format: FormatQuery = None,
) -> Response:
    query = await validated(request, caller, kpi, wijk, peildatum, KNOWN_PARAMETERS)
    filters = Filters(periode=periode, wet=wet.value if wet else None, wijk=query.wijk)
    definition, peildatum, parameters = query.definition, query.peildatum, query.parameters
    return await publish(
        request, caller, definition, (periode,) if periode else None, filters, peildatum,
        parameters,
    )  # fmt: skip


@dataclass(frozen=True)
class Validated:
    definition: KpiDefinition
    wijk: str | None
    peildatum: date
    parameters: dict[str, str]


async def validated(
    request: Request,
    caller: Caller,
    kpi: str,
    wijk: str | None,
    peildatum: date | None,
    known: frozenset[str],
) -> Validated:
    """The checks every KPI read makes (single answer and series): the KPI, the query's
    parameters, the wijk, the peildatum for the role, the KPI's own parameters."""
    reporting: Reporting = request.app.state.reporting
    definition = SERVED.get(kpi)
    if definition is None:
        raise _unknown_kpi(kpi)
    refuse_unknown_parameters(request, known | set(definition.parameters))
    wijk = configured_wijk(wijk, reporting.domain)
    today = await reporting.current_date()
    peildatum = peildatum_or_today(peildatum, today)
    if caller.role is ReportingRole.PUBLIEK and peildatum != today:
        raise _past_peildatum_for_publiek()
    parameters = {
        name: request.query_params[name]
        for name in definition.parameters
        if name in request.query_params
    }
    if CLOCK in parameters and parameters[CLOCK] not in {c.id for c in reporting.domain.clocks}:
        raise invalid(CLOCK, "not a clock of the domain configuration")
    return Validated(definition, wijk, peildatum, parameters)


async def publish(
    request: Request,
    caller: Caller,
    definition: KpiDefinition,
    periodes: tuple[str, ...] | None,
    filters: Filters,
    peildatum: date,
    parameters: dict[str, str],
    series: dict[str, Any] | None = None,
    as_csv: bool | None = None,
) -> Response:
    """The KPI's cells of ``periodes`` (every periode when None) that match ``filters`` (its
    periode unused), controlled for the caller's role: the one function behind the single
    answer, the series (``series``: the series' own fields of its answer) and the reports
    (services/reporting/rapport/). ``as_csv`` None: as the request asks."""
    as_csv = wants_csv(request) if as_csv is None else as_csv
    reporting: Reporting = request.app.state.reporting
    kpi, wijk = definition.name, filters.wijk
    publiek = caller.role is ReportingRole.PUBLIEK
    controlled = not sees_small_numbers(caller.role, definition)
    own = exact_wijken(caller, definition)  # a team lead's wijken: exact in a controlled table
    version, table = await controlled_table(request, definition, peildatum, controlled=controlled)
    answer_key = (kpi, peildatum, controlled, publiek, version, periodes, filters.wet, wijk,
                  tuple(sorted(parameters.items())), as_csv, series is not None,
                  tuple(sorted(own)))  # fmt: skip
    answers = answer_cache(request.app) if version else AnswerCache(size=0)
    if version and series is None:  # what the answer was made from (kpis/kept_answers.py)
        request.state.kpi_version = version
    if (kept := answers.get(answer_key)) is not None:
        if kept.small_numbers_read is not None:
            request.state.small_numbers_read = kept.small_numbers_read
        return Response(kept.body, media_type=kept.media_type)
    keys = [
        key
        for key in table.cells
        if filters.match(CellId(kpi, key[0], key[1], key[2]))
        and (periodes is None or key[2] in periodes)
        and parameters.get(CLOCK, key[3]) == key[3]
    ]
    omitted: set[str] = set()
    if publiek:  # step 4: closed periodes only
        omitted = {key[2] for key in keys if not closed(key[2], peildatum)}
        omitted |= {p for p in periodes or () if not closed(p, peildatum)}
        keys = [key for key in keys if key[2] not in omitted]
    keys.sort(key=_order(reporting))
    threshold = reporting.domain.small_numbers.threshold
    small: int | None = None
    exact = {key for key in keys if not controlled or key[1] in own}
    if exact:
        # Small numbers read: logged like a person-level read (services/reporting/access.py).
        served = {key: table.cells[key].figures for key in exact}
        small = request.state.small_numbers_read = small_cells(
            rules_of(definition), served, threshold
        )
    codes = cbs_codes(reporting.domain)
    cells = [
        shown_cell(
            key, table.cells[key], controlled=key not in exact, threshold=threshold, codes=codes
        )
        for key in keys
    ]
    if as_csv:
        body = to_csv(CsvTable(csv_columns(definition), csv_rows(cells)))
        kept = Answer(body.encode("utf-8"), CSV + "; charset=utf-8", small)
        answers.put(answer_key, kept)
        return Response(kept.body, media_type=kept.media_type)
    answer = KpiAnswer(
        kpi=kpi,
        definitie=definition.definitie,
        peildatum=peildatum,
        cells=[Cell.model_validate(cell) for cell in cells],
        normen=[NormAnswer.of(norm) for norm in norms_of(definition, reporting.domain)],
        weggelaten_perioden=sorted(omitted, key=periode_order),
    )
    body_json = answer.model_dump(mode="json")
    if series is not None:
        body_json = {**body_json, **series}
    for cell in body_json["cells"]:
        hidden = cell.pop(VERBORGEN, None)
        if hidden is not None:  # a controlled cell's, last, after the figures it names
            cell[VERBORGEN] = hidden
    rendered = JSONResponse(body_json)
    answers.put(answer_key, Answer(bytes(rendered.body), "application/json", small))
    return rendered


async def controlled_table(
    request: Request, kpi: KpiDefinition, peildatum: date, *, controlled: bool
) -> tuple[str, Controlled]:
    """The KPI's whole table at the peildatum, controlled for the roles that see no small
    numbers, with the content version it was computed from ("" when the cells changed while
    they were read); computed once per content version (services/reporting/kpis/controlled.py)."""
    reporting: Reporting = request.app.state.reporting
    cache = table_cache(request.app)
    read = await READERS[kpi.source](reporting, kpi, peildatum)
    key = (kpi.name, peildatum, controlled, read.version)
    found = cache.get(key)
    if found is not None:
        return read.version, found
    # One computation per table at a time: a burst of readers of a new version waits for it
    # instead of each computing it (a cold table under 50 readers took 13 s that way).
    async with computing(request.app, key[:3]):
        if (found := cache.get(key)) is not None:
            return read.version, found
        loaded = await read.load()
        if controlled:  # seconds of CPU on a busy year: off the event loop, which keeps serving
            found = await asyncio.to_thread(
                control, kpi.name, rules_of(kpi), loaded.cells, reporting.domain
            )
        else:
            found = uncontrolled(loaded.cells)
        if not loaded.consistent:  # the cells changed while read: keep nothing made of them
            return "", found
        cache.put(key, found)
    return read.version, found


def computing(app: FastAPI, table: tuple[Any, ...]) -> asyncio.Lock:
    locks: defaultdict[tuple[Any, ...], asyncio.Lock] | None = getattr(
        app.state, "kpi_table_locks", None
    )
    if locks is None:
        locks = app.state.kpi_table_locks = defaultdict(asyncio.Lock)
    return locks[table]


def answer_cache(app: FastAPI) -> AnswerCache:
    cache: AnswerCache | None = getattr(app.state, "kpi_answers", None)
    if cache is None:
        cache = app.state.kpi_answers = AnswerCache()
    return cache


def table_cache(app: FastAPI) -> ControlledCache:
    cache: ControlledCache | None = getattr(app.state, "kpi_tables", None)
    if cache is None:
        cache = app.state.kpi_tables = ControlledCache()
    return cache


def _order(reporting: Reporting) -> Any:
    order = CellOrder(reporting.domain.wijk_names)
    clocks = {c.id: i for i, c in enumerate(reporting.domain.clocks)}

    def key(cell: CellKey) -> tuple[Any, ...]:
        wet, wijk, periode, split = cell
        return (*order(CellId("", wet, wijk, periode)), clocks.get(split or "", -1), split or "")

    return key


def _past_peildatum_for_publiek() -> ProblemError:
    return ProblemError(
        403,
        "role-not-allowed",
        "Role not allowed",
        "publiek sees the figures of closed periodes at today's peildatum; an earlier "
        "peildatum is for signed-in roles (docs/domain.md#small-numbers)",
        [{"field": "peildatum", "reason": "publiek may only read today's figures"}],
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
