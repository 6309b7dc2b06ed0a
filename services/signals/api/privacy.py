"""The privacy officer's API: the access log (who read the vault, when, what), the retention
and key rotation status (counts and dates only)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import Field

from services.signals.api.auth import Caller, log_read, require
from services.signals.settings import SignalsRole
from services.signals.vault.access_log import CURSOR_SHAPE, query_access
from services.signals.vault.status import retention_status, rotation_status
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

router = APIRouter(prefix="/api/v1", tags=["privacy"])
Officer = Annotated[Caller, Depends(require(SignalsRole.PRIVACY_OFFICER))]


class AccessLogAnswer(Paged):
    entries: list[dict[str, Any]] = Field(
        description="this page of the log, newest first (then id): id, at, who, role, action, "
        "target, rows, sub and naam (a signed-in person), route, pseudoniem"
    )


_COLUMNS = ("id", "at", "who", "role", "action", "target", "rows", "sub", "naam", "route",
            "pseudoniem")  # fmt: skip


@router.get(
    "/access-log",
    summary="Reads of the vault and the werklijst, newest first",
    description="Paged (`limit`, `cursor`; `total`, `_links.next`), keyset on (at, id): "
    "entries written while paging (this read's own, for one) come before the cursor and do "
    "not shift the pages.",
    response_model=AccessLogAnswer,
    responses=list_responses(",".join(_COLUMNS) + "\r\n"),
)
async def get_access_log(
    request: Request,
    officer: Officer,
    who: Annotated[
        str | None, Query(max_length=128, description="client name, subject or person's name")
    ] = None,
    action: Annotated[str | None, Query(max_length=64, description="e.g. read-case")] = None,
    about: Annotated[
        str | None, Query(max_length=128, description="a pseudonym or a target (zaak id)")
    ] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: LimitQuery = 1000,
    cursor: CursorQuery = None,
    format: FormatQuery = None,
) -> Response:
    names = ("who", "action", "about", "since", "until", *PAGING_PARAMETERS)
    refuse_unknown_parameters(request, names)
    after = decode_cursor(cursor, CURSOR_SHAPE)
    core = request.app.state.edge.core
    page = query_access(core, who, since, until, limit, after, action=action, about=about)
    # Reading the log is itself logged: the officer's reads are accountable too.
    log_read(request, officer, "read-access-log", "access-log", len(page.items))
    answer = AccessLogAnswer(entries=page.items, **paged(request, page.total, page.next_key))
    return respond(request, answer, lambda: CsvTable(_COLUMNS, page.items))


@router.get("/privacy/retention", summary="Retention status: what is due, what was deleted when")
async def get_retention_status(request: Request, officer: Officer) -> dict[str, Any]:
    core = request.app.state.edge.core
    today = await request.app.state.today()
    days: int = request.app.state.access_log_days
    return await asyncio.to_thread(retention_status, core, today, days)


@router.get("/privacy/key-rotation", summary="Key rotation status: rows per key version")
async def get_rotation_status(request: Request, officer: Officer) -> dict[str, Any]:
    return await asyncio.to_thread(rotation_status, request.app.state.edge.core)
