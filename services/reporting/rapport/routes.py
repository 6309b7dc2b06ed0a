"""``GET /api/v1/rapport/sth/{halfjaar}``: the STH half-year report as JSON, CSV, XLSX or PDF.

Its figures are the API's: each STH KPI is read with ``routes.publish`` (the function behind
``GET /api/v1/kpi/{kpi}``) for the caller's role, so disclosure control, the closed periodes
of publiek and the access log of small-number reads are the same as for the KPI answers.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from services.reporting.access import Caller, current_caller
from services.reporting.health import REBUILDING
from services.reporting.kpis.cells import Filters
from services.reporting.kpis.present import cbs_codes
from services.reporting.kpis.routes import publish, validated
from services.reporting.query import PeildatumQuery
from services.reporting.rapport.exports import csv_body, html_page, xlsx_body
from services.reporting.rapport.pdf import PdfPrinter, PdfUnavailable
from services.reporting.rapport.sth import COLUMNS, SECTIONS, TITLE, WET, previous_half_year, rows
from services.reporting.wiring import Reporting
from shared.platform.api_rules import CSV
from shared.platform.problems import ProblemError, problem_response

log = logging.getLogger("wijkpuls.reporting.rapport")
router = APIRouter(prefix="/api/v1", tags=["rapport"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
MEDIA = {"csv": CSV, "xlsx": XLSX, "pdf": PDF}
KNOWN = frozenset({"peildatum", "format"})
Format = Literal["json", "csv", "xlsx", "pdf"]


def install(app: FastAPI, chromium: str, dependencies: Sequence[Any] = ()) -> None:
    """``dependencies``: those of the figure routes (503 while the figures are rebuilt)."""
    app.state.pdf_printer = PdfPrinter(chromium)
    app.include_router(router, dependencies=list(dependencies), responses=REBUILDING)


def _format(request: Request, given: Format | None) -> Format:
    if given is not None:
        return given
    accept = [part.split(";")[0].strip() for part in request.headers.get("accept", "").split(",")]
    for name, media in MEDIA.items():
        if media in accept:
            return name  # type: ignore[return-value]
    return "json"


async def read_report(
    request: Request,
    caller: Caller,
    halfjaar: str,
    peildatum: date | None,
    known: frozenset[str],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The report's rows and the API's answers they came from, read for ``caller``'s role
    (also for an issued report, read as publiek: issued_routes.py)."""
    reporting: Reporting = request.app.state.reporting
    before = previous_half_year(halfjaar)
    answers: dict[str, Any] = {}
    small = 0
    for section in SECTIONS:
        query = await validated(request, caller, section.kpi, None, peildatum, known)
        request.state.small_numbers_read = None
        answer = await publish(
            request, caller, query.definition, (halfjaar, before), Filters(wet=WET),
            query.peildatum, {}, as_csv=False,
        )  # fmt: skip
        small += getattr(request.state, "small_numbers_read", None) or 0
        answers[section.kpi] = json.loads(bytes(answer.body))
    request.state.small_numbers_read = small or None  # both KPIs' reads in the access log
    found = rows(answers, halfjaar, reporting.domain.wijk_names, cbs_codes(reporting.domain))
    return found, answers


def halfjaar_tekst(halfjaar: str) -> str:
    year, half = halfjaar.split("-")
    return f"{'1e' if half == 'H1' else '2e'} halfjaar {year}"


@router.get(
    "/rapport/sth/{halfjaar}",
    summary="The STH half-year report (JSON, CSV, XLSX or PDF)",
    description="Every STH KPI (sth-opgepakt, sth-zonder-verwijzing) for a half-year, per wijk "
    "(configured order), onbekend and the gemeente: the count `n`, its numerator `teller` "
    "(n_binnen_norm, n_zonder), the share `pct`, the share of the half-year before, and the "
    "norm on the share with whether it was met (`ja`/`nee`; empty when no norm applies or "
    "the share is hidden). The figures are those of `GET /api/v1/kpi/{kpi}` for the "
    "caller's role, disclosure control included: a hidden figure keeps the API's value "
    '(`"<5"`, `"x"`, null; empty in CSV) and `verborgen` names it and why '
    "(`n=primair;pct=afgeleid`); `gewijzigd` is when the half-year's figure last changed "
    "(as the API's cell; null where the API withholds it); publiek reads closed half-years "
    "only (a running one is `periode=lopend`). `format` (or `Accept`): `json` (default), "
    "`csv` (text/csv), `xlsx` "
    f"({XLSX}, a sheet of the same rows and a sheet Verantwoording) or `pdf` (an A4 page in "
    "Dutch printed by headless chromium on the server).",
    responses={
        200: {
            "description": "the report in the format asked for",
            "content": {
                CSV: {"schema": {"type": "string"}, "example": ",".join(COLUMNS) + "\r\n"},
                XLSX: {"schema": {"type": "string", "format": "binary"}},
                PDF: {"schema": {"type": "string", "format": "binary"}},
            },
        },
        401: problem_response("X-API-Key is not a known key"),
        403: problem_response("a peildatum before today asked by publiek (signed-in roles only)"),
        422: problem_response("not a half-year (2026-H1), or an unknown query parameter"),
        503: problem_response(
            "the figures store does not answer, or the PDF renderer is not available"
        ),
    },
)
async def sth_report(
    request: Request,
    caller: Annotated[Caller, Depends(current_caller)],
    halfjaar: Annotated[
        str, Path(pattern=r"^[0-9]{4}-H[12]$", description="the half-year", examples=["2026-H1"])
    ],
    peildatum: PeildatumQuery = None,
    format: Annotated[Format | None, Query(description="json, csv, xlsx or pdf")] = None,
) -> Response:
    wanted = _format(request, format)
    found, answers = await read_report(request, caller, halfjaar, peildatum, KNOWN)
    first = answers[SECTIONS[0].kpi]
    info = {
        "Halfjaar": halfjaar_tekst(halfjaar),
        "Peildatum": str(first["peildatum"]),
        "Gelezen met de rol": caller.role.value,
        "Definities": ", ".join(answers[s.kpi]["definitie"] for s in SECTIONS),
        "Toelichting": "gebeurtenissen tot en met de peildatum tellen mee; een latere melding "
        "kan een afgesloten halfjaar nog veranderen",
    }
    name = f"sth-halfjaar-{halfjaar}"
    attachment = {"Content-Disposition": f'attachment; filename="{name}.{wanted}"'}
    if wanted == "csv":
        return Response(csv_body(found), media_type=CSV + "; charset=utf-8", headers=attachment)
    if wanted == "xlsx":
        return Response(xlsx_body(found, info), media_type=XLSX, headers=attachment)
    if wanted == "pdf":
        printer: PdfPrinter = request.app.state.pdf_printer
        try:
            pdf = await printer.print(html_page(found, info, halfjaar_tekst(halfjaar)))
        except PdfUnavailable as exc:
            log.error("pdf unavailable", extra={"reason": str(exc)})
            raise ProblemError(
                503, "pdf-unavailable", "PDF not available",
                "the server could not print the report; CSV and XLSX still work",
                headers={"Retry-After": "30"},
            ) from exc  # fmt: skip
        return Response(pdf, media_type=PDF, headers=attachment)
    return JSONResponse({
        "rapport": TITLE, "halfjaar": halfjaar, "vorig_halfjaar": previous_half_year(halfjaar),
        "peildatum": first["peildatum"], "rol": caller.role.value,
        "definities": {s.kpi: answers[s.kpi]["definitie"] for s in SECTIONS},
        "normen": {s.kpi: answers[s.kpi]["normen"] for s in SECTIONS},
        "kolommen": list(COLUMNS), "rijen": found,
    })  # fmt: skip
