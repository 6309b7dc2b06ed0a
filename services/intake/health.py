"""Liveness (the process answers) and readiness (Kafka, Redis and the adapters' loops)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/health", summary="The process is alive")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/ready",
    summary="Kafka and Redis answer and the iWmo adapter's loops run; events can be accepted",
)
async def ready(request: Request) -> JSONResponse:
    checks = await request.app.state.edge.ready()
    iwmo = getattr(request.app.state, "iwmo_runtime", None)
    if iwmo is not None:
        checks["iwmo-adapter"] = iwmo.ready()
    status = 200 if all(checks.values()) else 503
    return JSONResponse({"ready": status == 200, "checks": checks}, status_code=status)
