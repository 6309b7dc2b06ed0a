"""Readiness of the reporting API: Redis answers, and the figures store is complete.

The KPI workers mark each partition whose view they have written whole (shared/contract/
view_keys.py, docs/reliability.md). Redis that lost its data lost the markers with the
figures, so while any marker is missing the store is being rebuilt (or no worker has
written it yet): ``/ready`` is false and every figure and list route answers 503 "figures
rebuilding" with Retry-After, never an empty table. A worker that merely runs behind under
live load leaves its markers alone and changes neither.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from fastapi import Depends, Request
from redis.asyncio import Redis

from shared.contract.view_keys import EVENTS, VROEGSIGNALEN, ViewKeys, missing
from shared.platform.health import health_router
from shared.platform.problems import PROBLEM_JSON, ProblemError

RETRY_AFTER_S = 5
"""A rebuild of the Helmond volume takes seconds (docs/reliability.md)."""


class ViewMarkers:
    """Reads the markers of every events and vroegsignalen partition in one MGET."""

    def __init__(
        self, redis: Redis, keys: ViewKeys, partitions: dict[str, int], required: bool
    ) -> None:
        self._redis = redis
        self._expected = keys.markers(partitions)
        self._required = required

    @property
    def required(self) -> bool:
        return self._required

    def marker_keys(self) -> list[str]:
        """The keys ``missing`` reads ([] when not required), to read them in another MGET."""
        return [key for _, _, key in self._expected] if self._required else []

    def missing_among(self, values: list[Any]) -> list[tuple[str, int]]:
        """``missing`` from the values an MGET of ``marker_keys`` gave."""
        if not self._required:
            return []
        return missing(self._expected, [value is not None for value in values])

    async def missing(self) -> list[tuple[str, int]]:
        """(kind, partition) of every marker not there; [] when not required."""
        if not self._required:
            return []
        found = await self._redis.mget([key for _, _, key in self._expected])
        return missing(self._expected, [value is not None for value in found])


def view_markers(
    redis: Redis, prefix: str, events: int, vroegsignalen: int, required: bool
) -> ViewMarkers:
    partitions = {EVENTS: events, VROEGSIGNALEN: vroegsignalen}
    return ViewMarkers(redis, ViewKeys(prefix), partitions, required)


async def figures_complete(request: Request) -> AsyncIterator[None]:
    """Dependency of every figure and list route: 503 while the store is incomplete.

    Checked before the route and again after it, before the answer is sent (FastAPI's
    ``scope="function"``): a store lost while the route read it (its markers gone with it)
    gives the 503 too, not the emptied figures the route found."""
    views = request.app.state.reporting.views
    _refuse(await views.missing())
    yield
    _refuse(await views.missing())


def _refuse(lost: list[tuple[str, int]]) -> None:
    if lost:
        raise ProblemError(
            503,
            "figures-rebuilding",
            "Cijfers worden opnieuw opgebouwd",
            "De cijferopslag is (nog) niet compleet: de KPI-workers schrijven hem opnieuw "
            f"uit hun tabellen ({len(lost)} partities nog niet klaar). Probeer het over "
            "enkele seconden opnieuw.",
            [
                {"field": "(cijfers)", "reason": f"{kind} partitie {p} niet compleet"}
                for kind, p in lost[:12]
            ],
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )


GUARD = Depends(figures_complete, scope="function")
"""The dependency as the figure and list routers take it (services/reporting/app.py)."""


REBUILDING: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "figures rebuilding (the figures store is incomplete) or Redis "
        "unavailable; retry after Retry-After seconds",
        "content": {PROBLEM_JSON: {}},
    }
}
"""The 503 of ``figures_complete``, for the OpenAPI document of the routes it guards."""


async def _checks(request: Request) -> dict[str, bool]:
    reporting = request.app.state.reporting
    checks: dict[str, bool] = await reporting.ready()
    if not reporting.views.required:
        return checks  # no markers to wait for (a store filled without KPI workers)
    try:
        checks["figures"] = not await reporting.views.missing()
    except Exception:  # Redis away: not ready; the reason is in the redis check
        checks["figures"] = False
    return checks


router = health_router(
    "Redis answers; the figures store is complete",
    _checks,
    ready_responses={
        503: {
            "description": "Redis does not answer, or the figures are being rebuilt; "
            "`checks` says which"
        }
    },
)
