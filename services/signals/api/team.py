"""The vroegsignalering team's routes: werklijst, case, contactpogingen, resultaat.

Every read of identity (werklijst, case) is written to the access log first.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from services.signals.api.auth import Caller, log_read, require
from services.signals.pipeline import outreach
from services.signals.settings import SignalsRole
from services.signals.vault import werklijst
from shared.core.ddas import ContactpogingSoort, Dagdeel, Resultaat
from shared.platform.api_rules import (
    PAGING_PARAMETERS,
    CsvTable,
    CursorQuery,
    FormatQuery,
    LimitQuery,
    Paged,
    decode_cursor,
    list_responses,
    paged,
    refuse_unknown_parameters,
    respond,
)
from shared.platform.problems import ProblemError

router = APIRouter(prefix="/api/v1", tags=["werklijst"])
Team = Annotated[Caller, Depends(require(SignalsRole.VROEGSIGNALERING))]


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


class WerklijstAnswer(Paged):
    wijk: str | None
    zaken: list[dict[str, Any]] = Field(
        description="this page of the open vroegsignaalzaken in priority order (crisis, "
        "meervoudig, larger bedrag, older, id), each with its signalen and who to contact"
    )


_WERKLIJST_COLUMNS = (
    "vroegsignaalzaak_id", "wijk", "crisis", "meervoudig", "bedrag", "eerste_signaal",
    "matchingperiode_start", "matchingperiode_einde", "datum_opgepakt", "n_signalen",
    "signaalpartners",
)  # fmt: skip


@router.get(
    "/werklijst",
    summary="Open vroegsignaalzaken in priority order, with identity",
    description="Paged (`limit`, `cursor`; `total`, `_links.next`). The CSV form has one row "
    "per zaak without the identity of the signalen (open the zaak for who to contact): a "
    "file travels further than a screen.",
    response_model=WerklijstAnswer,
    responses=list_responses(",".join(_WERKLIJST_COLUMNS) + "\r\n"),
)
async def get_werklijst(
    request: Request,
    team: Team,
    wijk: Annotated[str | None, Query(max_length=64)] = None,
    limit: LimitQuery = 200,
    cursor: CursorQuery = None,
    format: FormatQuery = None,
) -> Response:
    refuse_unknown_parameters(request, ("wijk", *PAGING_PARAMETERS))
    after = decode_cursor(cursor, werklijst.CURSOR_SHAPE)
    core = request.app.state.edge.core
    page = await asyncio.to_thread(werklijst.open_cases, core, wijk, limit, after)
    target = f"werklijst wijk={wijk or '*'}"
    log_read(request, team, "read-werklijst", target, len(page.items))
    answer = WerklijstAnswer(
        wijk=wijk, zaken=page.items, **paged(request, page.total, page.next_key)
    )
    return respond(
        request, answer, lambda: CsvTable(_WERKLIJST_COLUMNS, map(_werklijst_row, page.items))
    )


def _werklijst_row(entry: dict[str, Any]) -> dict[str, Any]:
    signalen = entry["signalen"]
    return {
        **{k: v for k, v in entry.items() if k in _WERKLIJST_COLUMNS},
        "matchingperiode_start": entry["matchingperiode"]["start"],
        "matchingperiode_einde": entry["matchingperiode"]["einde"],
        "n_signalen": len(signalen),
        "signaalpartners": " ".join(sorted({s["signaalpartner"] for s in signalen})),
    }


@router.get("/vroegsignaalzaken/{case_id}", summary="One vroegsignaalzaak, with identity")
async def get_case(request: Request, team: Team, case_id: str) -> dict[str, Any]:
    core = request.app.state.edge.core
    found = await asyncio.to_thread(werklijst.case_detail, core, case_id)
    rows = len(found["signalen"]) if found else 0
    pseudoniem = found["huishouden"] if found else None
    log_read(request, team, "read-case", case_id[:128], rows, pseudoniem)
    if found is None:
        raise _unknown_case() from None
    return found


@router.post("/vroegsignaalzaken/{case_id}/contactpogingen", status_code=201)
async def post_contactpoging(
    request: Request, team: Team, case_id: str, body: ContactpogingIn
) -> dict[str, Any]:
    """Records an outreach attempt and publishes vroegsignaal.contactpoging."""
    event_id = await record_contactpoging(request.app.state.edge, case_id, body, team.name)
    return {"event_id": event_id, "vroegsignaalzaak_id": case_id}


async def record_contactpoging(edge: Any, case_id: str, body: ContactpogingIn, by: str) -> str:
    """Stores the attempt and publishes its event, or undoes it (the API and the case page)."""
    try:
        poging_id, event = outreach.add_contactpoging(
            edge.core, case_id, body.datum, body.soort.value,
            body.dagdeel.value if body.dagdeel else None, body.bereikt, by,
        )  # fmt: skip
    except outreach.UnknownCase:
        raise _unknown_case() from None
    try:
        await edge.publisher.publish([event])
    except Exception:
        outreach.undo_contactpoging(edge.core, case_id, poging_id)
        raise _not_confirmed() from None
    return str(event.id)


@router.put("/vroegsignaalzaken/{case_id}/resultaat", summary="Record the outcome")
async def put_resultaat(
    request: Request, team: Team, case_id: str, body: ResultaatIn
) -> dict[str, Any]:
    """Sets (or corrects) the resultaat and publishes vroegsignaal.resultaat."""
    event_id = await record_resultaat(request.app.state.edge, case_id, body)
    return {"event_id": event_id, "vroegsignaalzaak_id": case_id}


async def record_resultaat(edge: Any, case_id: str, body: ResultaatIn) -> str:
    """Stores the outcome and publishes its event, or restores the previous one."""
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
    return str(event.id)


def _unknown_case() -> ProblemError:
    return ProblemError(404, "not-found", "Not found", "no vroegsignaalzaak with this id")


def _not_confirmed() -> ProblemError:
    """The vault change was undone: the caller may simply try again."""
    return ProblemError(503, "unavailable", "Not recorded", "the broker did not confirm")
