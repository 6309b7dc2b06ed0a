"""Intake: the HTTP edge where case systems publish CloudEvents (docs/domain.md#event-contract,
docs/domain.md#components)."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.intake import auth, catalog, health, routes
from services.intake.iwmo import iwmo_router
from services.intake.metrics import IntakeMetrics
from services.intake.settings import Settings, get_settings
from services.intake.wiring import start_edge
from services.intake.zgw.wiring import zgw_router
from shared.platform.api_rules import install_api_rules
from shared.platform.logs import configure_logging
from shared.platform.metrics import install_metrics
from shared.platform.problems import install_problem_handlers, install_request_validation

log = logging.getLogger("wijkpuls.intake")


def settle_garbage_collector() -> None:
    """Keep the cyclic garbage collector off what was made at startup, and run it less often.

    The modules, models and clients made at startup live as long as the process, yet every
    full collection traversed all of them again: about 90 ms, every few batch requests, and
    those pauses were most of the p99 batch latency (docs/performance.md, "Intake").
    ``gc.freeze`` moves them out of the collector's generations; a larger generation-0
    threshold lets a request's short-lived objects go by reference counting before a
    collection looks at them. What requests leave in cycles is still collected.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.app.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.edge = await start_edge(settings)
        app.state.limiter = app.state.edge.limiter
        settle_garbage_collector()
        try:
            yield
        finally:
            await app.state.edge.close()

    app = FastAPI(
        title="Wijkpuls intake",
        summary="Publish sociaal-domein events (CloudEvents 1.0, NL GOV profile) for Helmond",
        version="1.0.0",  # the API-Version header (NL API Design Rules)
        lifespan=lifespan,
    )
    clients = auth.install(app, settings)
    if not len(clients):
        log.warning("no intake clients configured (WIJKPULS_INTAKE_CLIENTS): every post gets 401")
    app.include_router(routes.router)
    app.include_router(catalog.router)
    app.include_router(health.router)
    app.include_router(zgw_router(settings))
    app.include_router(iwmo_router(settings))
    install_problem_handlers(app)
    install_request_validation(app)
    install_api_rules(app)
    app.state.intake_metrics = IntakeMetrics(install_metrics(app, "intake"))
    return app
