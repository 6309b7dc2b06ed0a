"""Readiness of the intake: Kafka and Redis answer and the iWmo adapter's loops run."""

from __future__ import annotations

from fastapi import Request

from shared.platform.health import health_router


async def _checks(request: Request) -> dict[str, bool]:
    checks: dict[str, bool] = await request.app.state.edge.ready()
    iwmo = getattr(request.app.state, "iwmo_runtime", None)
    if iwmo is not None:
        checks["iwmo-adapter"] = iwmo.ready()
    return checks


router = health_router(
    "Kafka and Redis answer and the iWmo adapter's loops run; events can be accepted", _checks
)
