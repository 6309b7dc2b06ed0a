"""Signals: vroegsignalering deliveries in, identity vault, werklijst, outreach
(docs/domain.md#vroegsignalering)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date

from fastapi import FastAPI, Request
from redis.asyncio import Redis

from services.signals import signin
from services.signals.api import deliveries as routes_deliveries
from services.signals.api import export as routes_export
from services.signals.api import person_rights as routes_person_rights
from services.signals.api import privacy as routes_privacy
from services.signals.api import team as routes_team
from services.signals.api.auth import clients_from_settings
from services.signals.api.unavailable import install_vault_unavailable
from services.signals.pages import routes as pages
from services.signals.settings import Settings, get_settings
from services.signals.wiring import start_edge
from shared.platform.api_rules import install_api_rules
from shared.platform.health import health_router
from shared.platform.logs import configure_logging
from shared.platform.metrics import install_metrics
from shared.platform.problems import install_problem_handlers, install_request_validation


async def _ready_checks(request: Request) -> dict[str, bool]:
    checks: dict[str, bool] = await request.app.state.edge.ready()
    return checks


health = health_router(
    "Kafka and the vault answer; deliveries can be loaded", _ready_checks, alive_name="alive"
)


def create_app(
    settings: Settings | None = None, today: Callable[[], date] | None = None
) -> FastAPI:
    """``today`` replaces the wall clock (tests); the test override of shared/platform/today.py
    applies either way in test and development."""
    settings = settings or get_settings()
    configure_logging(settings.app.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.edge = await start_edge(settings, today=today)
        app.state.today = app.state.edge.today
        # the page sessions of signed-in people (docs/signin.md); connects on first use
        app.state.sessions = Redis.from_url(settings.redis.url)
        try:
            yield
        finally:
            await app.state.sessions.aclose()
            await app.state.edge.close()

    app = FastAPI(
        title="Wijkpuls signals",
        summary="Vroegsignalering schulden: deliveries, werklijst, contactpogingen, resultaat",
        version="1.0.0",  # the API-Version header (NL API Design Rules)
        lifespan=lifespan,
    )
    app.state.signals_clients = clients_from_settings(settings)
    app.state.max_upload_bytes = settings.signals.max_upload_bytes
    app.state.access_log_days = settings.signals.access_log_retention_days
    app.state.signin = signin.SignIn(settings)
    app.include_router(signin.router)
    for router in (health, routes_deliveries.router, routes_team.router, routes_privacy.router):
        app.include_router(router)
    app.include_router(routes_export.router)
    app.include_router(routes_person_rights.router)
    pages.install(app)
    install_problem_handlers(app)
    install_vault_unavailable(app)
    install_request_validation(app, reasons="type")  # a message could quote a BSN
    install_api_rules(app)
    install_metrics(app, "signals")
    return app
