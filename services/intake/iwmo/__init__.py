"""iWmo/iJw 3.2 adapter: providers' 305/307 messages -> zorg.gestart / zorg.beeindigd.

The intake includes it with ``app.include_router(iwmo_router(settings))``: the router brings
its own lifespan (Kafka producer, Redis, the toewijzing index follower, the parked-line
follower and retrier), so the intake's app factory needs that one line. docs/adapters.md
describes what is accepted, the validation, the mapping and the parking.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from services.intake.iwmo import routes
from services.intake.iwmo.wiring import start_iwmo
from services.intake.settings import Settings, get_settings


def iwmo_router(settings: Settings | None = None) -> APIRouter:
    """The adapter's routes, with a lifespan that starts and stops what they need."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await start_iwmo(settings or get_settings())
        app.state.iwmo = runtime.adapter
        app.state.iwmo_runtime = runtime
        try:
            yield
        finally:
            await runtime.close()

    router = APIRouter(lifespan=lifespan)
    router.include_router(routes.router)
    return router


__all__ = ["iwmo_router"]
