"""Liveness (the process answers) and readiness (what the service depends on answers).

Every HTTP service mounts the same two routes; each says what its readiness checks and how
to run them. ``/ready`` answers 503 with the failing check named, so a probe and a person
see why the service takes no traffic.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

ReadyChecks = Callable[[Request], Awaitable[dict[str, bool]]]


def health_router(
    ready_summary: str,
    checks: ReadyChecks,
    *,
    ready_responses: dict[int | str, dict[str, Any]] | None = None,
    alive_name: str = "health",
) -> APIRouter:
    """``GET /health`` (always ok while the process serves) and ``GET /ready`` (``checks``)."""
    router = APIRouter(tags=["health"])

    async def alive() -> dict[str, str]:
        return {"status": "ok"}

    async def ready(request: Request) -> JSONResponse:
        results = await checks(request)
        status = 200 if all(results.values()) else 503
        return JSONResponse({"ready": status == 200, "checks": results}, status_code=status)

    # The route names keep the services' OpenAPI operation ids as they were published.
    router.add_api_route("/health", alive, summary="The process is alive", name=alive_name)
    router.add_api_route(
        "/ready", ready, summary=ready_summary, responses=ready_responses, name="ready"
    )
    return router
