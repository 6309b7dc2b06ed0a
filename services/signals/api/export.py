"""GET /api/v1/ddas-export: the month's DDAS delivery to CBS (vroegsignalering role).

The document carries the Client identity the signaalpartners delivered (the DDAS model asks
for it), so the route is a read of the vault: it is written to the access log like the
werklijst, with the month and the number of signals whose identity left.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from services.signals.api.auth import Caller, log_read, require
from services.signals.cli.export import MAAND, build_export
from services.signals.rules.ddas_export import delivery_counts
from services.signals.rules.ddas_schema import InvalidDelivery
from services.signals.settings import SignalsRole
from shared.platform.problems import ProblemError

router = APIRouter(prefix="/api/v1", tags=["ddas-export"])
Team = Annotated[Caller, Depends(require(SignalsRole.VROEGSIGNALERING))]


@router.get("/ddas-export", summary="DDAS v0.9 Uitwisselmodel of one month (JSON download)")
async def get_ddas_export(
    request: Request,
    team: Team,
    maand: Annotated[str, Query(pattern=MAAND.pattern, examples=["2026-03"])],
    peildatum: date | None = None,
    client: Annotated[bool, Query(description="false: empty Client blocks")] = True,
) -> Response:
    core = request.app.state.edge.core
    day: date = peildatum or await request.app.state.today()
    try:
        document = await asyncio.to_thread(build_export, core, maand, day, with_client=client)
    except InvalidDelivery as exc:
        # Paths and rules only (ddas_schema.py): no value of the vault is in the answer.
        raise ProblemError(500, "invalid-export", "Export breaks the DDAS schema",
                           "; ".join(exc.problems[:20])) from None  # fmt: skip
    counts = delivery_counts(document)
    action = "ddas-export" if client else "ddas-export-zonder-client"
    target = f"ddas-export maand={maand} peildatum={day.isoformat()}"
    log_read(request, team, action, target, counts["vroegsignalen"])
    filename = f"ddas-vroegsignalering-{maand}.json"
    return Response(
        json.dumps(document, ensure_ascii=False),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
