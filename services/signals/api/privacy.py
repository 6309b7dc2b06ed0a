"""The privacy officer's view of the access log (who read the vault, when, what)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import Field

from services.signals.api.auth import require
from services.signals.settings import SignalsClient, SignalsRole
from services.signals.vault.access_log import CURSOR_SHAPE, query_access, record_access
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
Officer = Annotated[SignalsClient, Depends(require(SignalsRole.PRIVACY_OFFICER))]


class AccessLogAnswer(Paged):
    entries: list[dict[str, Any]] = Field(
        description="this page of the log, newest first (then id): id, at, who, role, action, "
        "target, rows"
    )


_COLUMNS = ("id", "at", "who", "role", "action", "target", "rows")


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
    who: Annotated[str | None, Query(max_length=64)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: LimitQuery = 1000,
    cursor: CursorQuery = None,
    format: FormatQuery = None,
) -> Response:
    refuse_unknown_parameters(request, ("who", "since", "until", *PAGING_PARAMETERS))
    after = decode_cursor(cursor, CURSOR_SHAPE)
    core = request.app.state.edge.core
    page = query_access(core, who, since, until, limit, after)
    # Reading the log is itself logged: the officer's reads are accountable too.
    role, count = officer.role.value, len(page.items)
    record_access(core, officer.name, role, "read-access-log", "access-log", count)
    answer = AccessLogAnswer(entries=page.items, **paged(request, page.total, page.next_key))
    return respond(request, answer, lambda: CsvTable(_COLUMNS, page.items))
