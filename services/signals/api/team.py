"""The vroegsignalering team's routes: werklijst, case, contactpogingen, resultaat.

Every read of identity (werklijst, case) is written to the access log first.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from services.signals.api.auth import require
from services.signals.pipeline import outreach
from services.signals.vault import werklijst
from services.signals.vault.access_log import record_access
from shared.core.ddas import ContactpogingSoort, Dagdeel, Resultaat
from shared.platform.problems import ProblemError
from shared.platform.settings import SignalsClient, SignalsRole

router = APIRouter(prefix="/api/v1", tags=["werklijst"])
Team = Annotated[SignalsClient, Depends(require(SignalsRole.VROEGSIGNALERING))]


class ContactpogingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    datum: date
    soort: ContactpogingSoort
    bereikt: bool
    dagdeel: Dagdeel | None = None


class ResultaatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    datum: date
    resultaat: Resultaat = Field(description="DDAS EnumEindresultaat (slug)")


@router.get("/werklijst", summary="Open vroegsignaalzaken in priority order, with identity")
async def get_werklijst(
    request: Request,
    team: Team,
    wijk: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    core = request.app.state.edge.core
    entries = await asyncio.to_thread(werklijst.open_cases, core, wijk, limit)
    target = f"werklijst wijk={wijk or '*'}"
    record_access(core, team.name, team.role.value, "read-werklijst", target, len(entries))
    return {"wijk": wijk, "zaken": entries}


@router.get("/vroegsignaalzaken/{case_id}", summary="One vroegsignaalzaak, with identity")
async def get_case(request: Request, team: Team, case_id: str) -> dict[str, Any]:
    core = request.app.state.edge.core
    found = await asyncio.to_thread(werklijst.case_detail, core, case_id)
    rows = len(found["signalen"]) if found else 0
    record_access(core, team.name, team.role.value, "read-case", case_id[:128], rows)
    if found is None:
        raise _unknown_case() from None
    return found


@router.post("/vroegsignaalzaken/{case_id}/contactpogingen", status_code=201)
async def post_contactpoging(
    request: Request, team: Team, case_id: str, body: ContactpogingIn
) -> dict[str, Any]:
    """Records an outreach attempt and publishes vroegsignaal.contactpoging."""
    edge = request.app.state.edge
    try:
        poging_id, event = outreach.add_contactpoging(
            edge.core, case_id, body.datum, body.soort.value,
            body.dagdeel.value if body.dagdeel else None, body.bereikt, team.name,
        )  # fmt: skip
    except outreach.UnknownCase:
        raise _unknown_case() from None
    try:
        await edge.publisher.publish([event])
    except Exception:
        outreach.undo_contactpoging(edge.core, case_id, poging_id)
        raise _not_confirmed() from None
    return {"event_id": event.id, "vroegsignaalzaak_id": case_id}


@router.put("/vroegsignaalzaken/{case_id}/resultaat", summary="Record the outcome")
async def put_resultaat(
    request: Request, team: Team, case_id: str, body: ResultaatIn
) -> dict[str, Any]:
    """Sets (or corrects) the resultaat and publishes vroegsignaal.resultaat."""
    edge = request.app.state.edge
    try:
        previous, event = outreach.set_resultaat(
            edge.core, case_id, body.datum, body.resultaat.value
        )
    except outreach.UnknownCase:
        raise _unknown_case() from None
    try:
        await edge.publisher.publish([event])
    except Exception:
        outreach.restore_resultaat(edge.core, case_id, previous)
        raise _not_confirmed() from None
    return {"event_id": event.id, "vroegsignaalzaak_id": case_id}


def _unknown_case() -> ProblemError:
    return ProblemError(404, "not-found", "Not found", "no vroegsignaalzaak with this id")


def _not_confirmed() -> ProblemError:
    """The vault change was undone: the caller may simply try again."""
    return ProblemError(503, "unavailable", "Not recorded", "the broker did not confirm")
