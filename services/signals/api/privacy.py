"""The privacy officer's view of the access log (who read the vault, when, what)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from services.signals.api.auth import require
from services.signals.vault.access_log import query_access, record_access
from shared.platform.settings import SignalsClient, SignalsRole

router = APIRouter(prefix="/api/v1", tags=["privacy"])
Officer = Annotated[SignalsClient, Depends(require(SignalsRole.PRIVACY_OFFICER))]


@router.get("/access-log", summary="Reads of the vault and the werklijst, newest first")
async def get_access_log(
    request: Request,
    officer: Officer,
    who: Annotated[str | None, Query(max_length=64)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> dict[str, Any]:
    core = request.app.state.edge.core
    entries = query_access(core, who, since, until, limit)
    # Reading the log is itself logged: the officer's reads are accountable too.
    role, count = officer.role.value, len(entries)
    record_access(core, officer.name, role, "read-access-log", "access-log", count)
    return {"entries": entries}
