"""Liveness (the process answers) and readiness (Redis, the figures store, answers)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/health", summary="The process is alive")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/ready",
    summary="Redis answers; figures can be read",
    responses={503: {"description": "Redis does not answer; `checks` says so"}},
)
async def ready(request: Request) -> JSONResponse:
    checks = await request.app.state.reporting.ready()
    status = 200 if all(checks.values()) else 503
    return JSONResponse({"ready": status == 200, "checks": checks}, status_code=status)
