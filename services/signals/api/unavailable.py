"""The vault's database away (restarted, failed over, unreachable): a 503 with Retry-After.

Before this such an error was a bare 500. Now a route that meets a lost or refused database
connection answers ``503`` ``vault-unavailable`` with ``Retry-After``; an upload cut off that
way also names its delivery, which is recorded as ``failed`` (with the rows it stored) once
the database answers again, tried in the background for up to ``MARK_FOR_S``. Nothing of a
cut upload is lost or doubled: its committed batches stay and come back as duplicates when
the partner sends the file again (docs/reliability.md).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from services.signals.pipeline.delivery import interrupted, mark_interrupted
from services.signals.vault.vault_context import SignalsCore
from shared.platform.problems import ProblemError, problem

log = logging.getLogger("wijkpuls.signals")
RETRY_AFTER_S = 5
MARK_EVERY_S = 1.0
MARK_FOR_S = 120.0
DETAIL = "the vault's database did not answer; try again in a few seconds"


def database_away(exc: BaseException) -> bool:
    """A lost or refused connection, not a fault of the request or of the code."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def upload_refused(app: FastAPI, core: SignalsCore, delivery_id: str, exc: Exception) -> None:
    """Raise the 503 of an upload cut off by the database; record it once it is back."""
    reason = interrupted(exc)
    task = asyncio.create_task(_mark_when_back(core, delivery_id, reason))
    pending: set[asyncio.Task[None]] = app.state.__dict__.setdefault("vault_marks", set())
    pending.add(task)  # a strong reference until it is done
    task.add_done_callback(pending.discard)
    raise ProblemError(
        503,
        "vault-unavailable",
        "Vault unavailable",
        "the vault's database went away while this delivery was loading; the rows stored "
        "before that are kept, the rest are not: send the whole delivery again (stored rows "
        "are reported as duplicates, nothing is doubled)",
        headers={"Retry-After": str(RETRY_AFTER_S)},
        delivery_id=delivery_id,
    ) from exc


async def _mark_when_back(core: SignalsCore, delivery_id: str, reason: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + MARK_FOR_S
    while True:
        try:
            await asyncio.to_thread(mark_interrupted, core, delivery_id, reason)
            return
        except DBAPIError:
            if loop.time() > deadline:
                log.warning("delivery left loading", extra={"delivery_id": delivery_id})
                return
            await asyncio.sleep(MARK_EVERY_S)


def install_vault_unavailable(app: FastAPI) -> None:
    """Every other route: a lost database connection is a 503 problem, not a 500."""

    async def away(_: Request, exc: Exception) -> JSONResponse:
        if not database_away(exc):
            raise exc
        log.warning("vault unavailable", extra={"error": type(exc).__name__})
        return problem(
            503, "vault-unavailable", "Vault unavailable", DETAIL,
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )  # fmt: skip

    handler: Any = away
    app.add_exception_handler(DBAPIError, handler)
