"""Inzage and erasure by BSN (privacy officer; inzage also for the vroegsignalering team).

The BSN travels in the request body, never in the URL, so no proxy or access log of a web
server records it. Both are written to the vault's access log under the person's pseudonym,
not the BSN; a request with an invalid BSN is refused without repeating it.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from services.signals.api.auth import Caller, log_read, require
from services.signals.settings import SignalsRole
from services.signals.vault import person_rights
from shared.contract.events.bsn import normalise_bsn
from shared.platform.problems import ProblemError

router = APIRouter(prefix="/api/v1/privacy", tags=["privacy"])
Reader = Annotated[
    Caller, Depends(require(SignalsRole.PRIVACY_OFFICER, SignalsRole.VROEGSIGNALERING))
]
Officer = Annotated[Caller, Depends(require(SignalsRole.PRIVACY_OFFICER))]


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)
    bsn: str = Field(min_length=8, max_length=16)


def _keys(request: Request, body: PersonIn) -> list[str]:
    bsn = normalise_bsn(body.bsn)
    if bsn is None:
        raise ProblemError(422, "invalid-bsn", "Invalid BSN", "the bsn fails the 11-proef")
    return person_rights.person_keys(request.app.state.edge.core, bsn)


@router.post("/inzage", summary="What the vault holds of a person (by BSN)")
async def post_inzage(request: Request, reader: Reader, body: PersonIn) -> dict[str, Any]:
    core = request.app.state.edge.core
    keys = _keys(request, body)
    found = await asyncio.to_thread(person_rights.inzage, core, keys)
    rows = len(found["signalen"])
    log_read(request, reader, "inzage", keys[0], rows, pseudoniem=keys[0])
    return found


@router.post("/erasure", summary="Erase a person's signals and the zaken only they support")
async def post_erasure(request: Request, officer: Officer, body: PersonIn) -> dict[str, Any]:
    core = request.app.state.edge.core
    keys = _keys(request, body)
    done = await asyncio.to_thread(person_rights.erase, core, keys)
    log_read(request, officer, "erasure", keys[0], done["signalen"], pseudoniem=keys[0])
    return done
