"""Issuing the STH half-year report, and the issued reports as they were issued.

``POST /api/v1/rapport/sth/{halfjaar}/uitgaven`` (beleid or analist) keeps the report of a
half-year that has ended exactly as published, with its peildatum and when; the list and one
issue are read by every role, with what changed since (changes.py). The figures issued are
read as publiek whoever issues: a report handed to the raad is public, so an analist issuing
it must not put small numbers into it, and a closed half-year at today's peildatum reads the
same for publiek and beleid (docs/domain.md#small-numbers). Kept on Kafka (issued_store.py).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Path, Request
from fastapi.responses import JSONResponse

from services.reporting.access import Caller, current_caller
from services.reporting.health import REBUILDING
from services.reporting.rapport.changes import changes
from services.reporting.rapport.issued_store import IssuedReports, IssuedUnavailable
from services.reporting.rapport.routes import read_report
from services.reporting.rapport.sth import COLUMNS, SECTIONS
from services.reporting.settings import ReportingRole
from services.reporting.wiring import Reporting
from shared.contract.issued_reports import IssuedReport
from shared.contract.topics import Topic, topic_name
from shared.core.kpi.periods import periode_bounds
from shared.platform.problems import ProblemError, problem_response
from shared.platform.settings import KafkaSettings
from shared.platform.web_signin import csrf_refusal, same_origin

router = APIRouter(prefix="/api/v1", tags=["rapport"])
RAPPORT = "sth-halfjaar"
ISSUERS = frozenset({ReportingRole.BELEID, ReportingRole.ANALIST})
PUBLIEK = Caller(ReportingRole.PUBLIEK)
HALFJAAR = Annotated[
    str, Path(pattern=r"^[0-9]{4}-H[12]$", description="the half-year", examples=["2025-H2"])
]
UITGAVE = Annotated[
    str, Path(pattern=r"^[0-9A-Za-z-]{1,64}$", description="the issue's id (from the list)")
]
UNAVAILABLE = problem_response("Kafka, where the issued reports are kept, does not answer")


def install(app: FastAPI, kafka: KafkaSettings, dependencies: list[Any]) -> None:
    app.state.issued_reports = IssuedReports(kafka, topic_name(Topic.RAPPORTEN, kafka))
    app.include_router(router, dependencies=dependencies, responses=REBUILDING)


async def stop(app: FastAPI) -> None:
    store: IssuedReports | None = getattr(app.state, "issued_reports", None)
    if store is not None:
        await store.close()


def _store(request: Request) -> IssuedReports:
    store: IssuedReports = request.app.state.issued_reports
    return store


def _unavailable(exc: IssuedUnavailable) -> ProblemError:
    return ProblemError(
        503, "issued-reports-unavailable", "Issued reports unavailable",
        "the store of issued reports (Kafka) did not answer; try again shortly",
        headers={"Retry-After": "10"},
    )  # fmt: skip


def _summary(report: IssuedReport) -> dict[str, Any]:
    return {
        "id": report.id, "rapport": report.rapport, "halfjaar": report.periode,
        "peildatum": report.peildatum.isoformat(),
        "uitgegeven_op": report.uitgegeven_op.isoformat(),
        "uitgegeven_door_rol": report.uitgegeven_door_rol, "cijfers_als": report.cijfers_als,
        "_links": {"self": {"href": f"/api/v1/rapport/sth/{report.periode}/uitgaven/{report.id}"}},
    }  # fmt: skip


@router.post(
    "/rapport/sth/{halfjaar}/uitgaven",
    status_code=201,
    summary="Issue the STH half-year report: keep it as published",
    description="Keeps the STH half-year report of a half-year that has ended exactly as it "
    "is now: its rows (as `GET /api/v1/rapport/sth/{halfjaar}`), the peildatum (today) and "
    "when it was issued. The figures are read as publiek whoever issues them (an issued "
    "report is public): disclosure-controlled, which for an ended half-year at today's "
    "peildatum is also what beleid reads. Only beleid and analist issue (403 otherwise); a "
    "signed-in page must post from this site. Every issue is kept, also a second one of the "
    "same half-year. 201 with the issued report and its `Location`.",
    responses={
        401: problem_response("unknown key or invalid token"),
        403: problem_response(
            "not beleid or analist, or a page session posting cross-site or without its "
            "CSRF token (X-CSRF-Token)"
        ),
        409: problem_response("the half-year has not ended yet at today's peildatum"),
        422: problem_response("not a half-year (2026-H1)"),
        503: UNAVAILABLE,
    },
)
async def issue(
    request: Request, caller: Annotated[Caller, Depends(current_caller)], halfjaar: HALFJAAR
) -> JSONResponse:
    if caller.role not in ISSUERS:
        raise ProblemError(
            403, "not-an-issuer", "Only beleid and analist issue reports",
            "sign in as beleid or analist to issue the report; everyone can read it",
        )  # fmt: skip
    if caller.person is not None and not same_origin(request):
        raise ProblemError(403, "cross-site", "Cross-site request refused", "post from this site")
    # a page session (a person without a bearer token) sends its CSRF token too
    by_session = caller.person is not None and "authorization" not in request.headers
    if by_session and (reason := await csrf_refusal(request, caller.person, read_form=False)):
        raise ProblemError(
            403, "csrf-token-refused", "CSRF token refused",
            f"send the session's token as X-CSRF-Token (GET /auth/sessie): {reason}",
        )  # fmt: skip
    reporting: Reporting = request.app.state.reporting
    today = await reporting.current_date()
    if periode_bounds(halfjaar)[1] >= today:
        raise ProblemError(
            409, "half-year-running", "The half-year has not ended",
            f"{halfjaar} runs until {periode_bounds(halfjaar)[1]}; issue it after that day",
        )  # fmt: skip
    found, answers = await read_report(request, PUBLIEK, halfjaar, None, frozenset())
    issued_at = datetime.now(UTC).replace(microsecond=0)
    report = IssuedReport(
        id=f"{halfjaar}-{issued_at:%Y%m%d%H%M%S}-{secrets.token_hex(2)}",
        rapport=RAPPORT, periode=halfjaar, peildatum=today, uitgegeven_op=issued_at,
        uitgegeven_door_rol=caller.role.value, cijfers_als=PUBLIEK.role.value,
        definities={s.kpi: answers[s.kpi]["definitie"] for s in SECTIONS},
        normen={s.kpi: answers[s.kpi]["normen"] for s in SECTIONS},
        kolommen=list(COLUMNS), rijen=found,
    )  # fmt: skip
    try:
        await _store(request).keep(report)
    except IssuedUnavailable as exc:
        raise _unavailable(exc) from exc
    body = {**_summary(report), "rijen": report.rijen}
    return JSONResponse(body, 201, {"Location": body["_links"]["self"]["href"]})


@router.get(
    "/rapport/sth/{halfjaar}/uitgaven",
    summary="The issued STH reports of a half-year",
    description="Every issue of the half-year's STH report, newest first: id, peildatum, when "
    "and by which role it was issued, whose disclosure control its figures have, and a link. "
    "Issued reports are public: every role reads them.",
    responses={401: problem_response("unknown key or invalid token"), 503: UNAVAILABLE},
)
async def issued_list(
    request: Request, caller: Annotated[Caller, Depends(current_caller)], halfjaar: HALFJAAR
) -> JSONResponse:
    try:
        reports = await _store(request).all()
    except IssuedUnavailable as exc:
        raise _unavailable(exc) from exc
    items = [_summary(r) for r in reports if r.periode == halfjaar and r.rapport == RAPPORT]
    return JSONResponse({"halfjaar": halfjaar, "uitgaven": items, "total": len(items)})


@router.get(
    "/rapport/sth/{halfjaar}/uitgaven/{uitgave}",
    summary="One issued STH report as issued, and what changed since",
    description="The report exactly as issued (`rijen`, peildatum, when, by which role) and "
    "`wijzigingen`: every figure (n, teller, pct, vorig_pct, norm_gehaald) of a KPI and wijk "
    "whose value now differs from the issued one (`uitgegeven`, `nu`), the live figures read "
    "with the same disclosure control (publiek, today's peildatum, `vergeleken_met`). Late "
    "events move closed half-years; the issued report itself never changes.",
    responses={
        401: problem_response("unknown key or invalid token"),
        404: problem_response("no such issue of this half-year"),
        503: UNAVAILABLE,
    },
)
async def issued_one(
    request: Request,
    caller: Annotated[Caller, Depends(current_caller)],
    halfjaar: HALFJAAR,
    uitgave: UITGAVE,
) -> JSONResponse:
    try:
        report = await _store(request).get(uitgave)
    except IssuedUnavailable as exc:
        raise _unavailable(exc) from exc
    if report is None or report.periode != halfjaar:
        raise ProblemError(
            404, "no-such-issue", "No such issued report",
            f"see GET /api/v1/rapport/sth/{halfjaar}/uitgaven for the issues of {halfjaar}",
        )  # fmt: skip
    now, answers = await read_report(request, PUBLIEK, halfjaar, None, frozenset())
    peildatum = answers[SECTIONS[0].kpi]["peildatum"]
    return JSONResponse({
        **_summary(report), "definities": report.definities, "normen": report.normen,
        "kolommen": report.kolommen, "rijen": report.rijen,
        "vergeleken_met": {"peildatum": peildatum, "rol": PUBLIEK.role.value},
        "wijzigingen": changes(report.rijen, now),
    })  # fmt: skip
