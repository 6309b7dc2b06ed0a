"""``GET /api/v1/wijken``: the configured wijken, and what a client such as the dashboard
needs before it asks for figures (the caller's role, the small-number threshold, today)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from services.reporting.access import Caller, current_caller
from services.reporting.kpis.present import cbs_codes
from services.reporting.query import refuse_unknown_parameters
from services.reporting.wiring import Reporting
from shared.core.domain_config import GEMEENTE, ONBEKEND, Wet
from shared.platform.problems import problem_response

router = APIRouter(prefix="/api/v1", tags=["kpi"])


class Wijk(BaseModel):
    naam: str
    cbs_code: str | None = Field(
        description="the wijk's CBS code (`WK079401`) where configured, as in the cells"
    )
    huishoudens: int | None = Field(
        description="configured number of households (the basis of bereik per 1,000)"
    )


class WijkenAnswer(BaseModel):
    wijken: list[Wijk] = Field(description="the configured wijken, in configured order")
    onbekend: str = Field(description="the wijk value of a zaak without a known wijk")
    gemeente: str = Field(description="the wijk value of all wijken together")
    gemeente_cbs_code: str = Field(
        description="the CBS code of the gemeente (`GM0794`), the `cbs_code` of its cells"
    )
    wetten: list[str] = Field(description="the values of the wet parameter")
    rol: str = Field(
        description="the caller's role: publiek (no credentials), beleid, analist, "
        "teamleider, vroegsignalering or privacy-officer (docs/signin.md#roles)"
    )
    drempel: int = Field(
        description='small-number threshold: for publiek and beleid a count below it is "<N" '
        "and a figure computed from a hidden count is null (docs/domain.md#small-numbers)"
    )
    vandaag: date = Field(description="the default and latest peildatum (Europe/Amsterdam)")


@router.get(
    "/wijken",
    summary="The configured wijken, the caller's role, the small-number threshold and today",
    description="The wijk names the `wijk` parameter accepts (besides `onbekend` and "
    "`gemeente`), in the configured order, with their household counts; the wetten; the role "
    "the caller's API key gives; the small-number threshold; and today, the default peildatum. "
    "No figures: every role may read it.",
    response_model=WijkenAnswer,
    responses={
        401: problem_response("X-API-Key is not a known key"),
        422: problem_response("unknown query parameter"),
    },
)
async def wijken_route(
    request: Request, caller: Annotated[Caller, Depends(current_caller)]
) -> WijkenAnswer:
    reporting: Reporting = request.app.state.reporting
    refuse_unknown_parameters(request, ())
    domain = reporting.domain
    return WijkenAnswer(
        wijken=[
            Wijk(naam=w.naam, cbs_code=w.cbs_code, huishoudens=w.huishoudens) for w in domain.wijken
        ],
        onbekend=ONBEKEND,
        gemeente=GEMEENTE,
        gemeente_cbs_code=cbs_codes(domain)[GEMEENTE],
        wetten=[w.value for w in Wet],
        rol=caller.role.value,
        drempel=domain.small_numbers.threshold,
        vandaag=await reporting.current_date(),
    )
