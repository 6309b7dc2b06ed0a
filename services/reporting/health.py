"""Readiness of the reporting API: Redis, the figures store, answers."""

from __future__ import annotations

from fastapi import Request

from shared.platform.health import health_router


async def _checks(request: Request) -> dict[str, bool]:
    checks: dict[str, bool] = await request.app.state.reporting.ready()
    return checks


router = health_router(
    "Redis answers; figures can be read",
    _checks,
    ready_responses={503: {"description": "Redis does not answer; `checks` says so"}},
)
