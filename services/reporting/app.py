"""Reporting: the read-only API over the live KPI figures, deadlines and alerts
(docs/domain.md#reporting-api, docs/domain.md#components)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from redis.exceptions import RedisError
from starlette.exceptions import HTTPException

from services.reporting import health, signin
from services.reporting.access import access_log
from services.reporting.dashboard import routes as routes_dashboard
from services.reporting.kpis import kept_answers, routes, series_routes
from services.reporting.live import routes as live_routes
from services.reporting.openapi import DESCRIPTION, TAGS
from services.reporting.rapport import issued_routes
from services.reporting.rapport import routes as rapport_routes
from services.reporting.settings import Settings, get_settings
from services.reporting.termijnen import routes as routes_termijnen
from services.reporting.wachtend import routes as routes_wachtend
from services.reporting.wijken import routes as routes_wijken
from services.reporting.wiring import start_reporting
from shared.platform.api_rules import install_api_rules
from shared.platform.load_shedding import install_load_shedding
from shared.platform.logs import configure_logging
from shared.platform.metrics import install_metrics
from shared.platform.problems import ProblemError, install_request_validation, problem

log = logging.getLogger("wijkpuls.reporting")


def create_app(
    settings: Settings | None = None, *, today: Callable[[], date] | None = None
) -> FastAPI:
    """``today`` replaces the Europe/Amsterdam clock of the default peildatum (tests)."""
    settings = settings or get_settings()
    configure_logging(settings.app.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.reporting = start_reporting(settings, today)
        try:
            yield
        finally:
            await live_routes.stop(app)
            await issued_routes.stop(app)
            await app.state.reporting.close()

    app = FastAPI(
        title="Wijkpuls reporting",
        summary="Live sociaal-domein KPIs of gemeente Helmond per wet, wijk and periode",
        description=DESCRIPTION,
        version="1.0.0",  # the API-Version header (NL API Design Rules)
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    # Figures and lists answer 503 'figures rebuilding' while the store is incomplete.
    guarded = [health.GUARD]
    app.include_router(routes.router, dependencies=guarded, responses=health.REBUILDING)
    app.include_router(series_routes.router, dependencies=guarded, responses=health.REBUILDING)
    routes.install_kpi_documentation(app)
    app.include_router(routes_termijnen.router, dependencies=guarded, responses=health.REBUILDING)
    app.include_router(routes_wachtend.router, dependencies=guarded, responses=health.REBUILDING)
    app.include_router(routes_wijken.router)
    live_routes.install(app, settings.reporting, settings.kafka.topic_prefix)
    rapport_routes.install(app, settings.reporting.chromium, guarded)
    issued_routes.install(app, settings.kafka, guarded)  # issued reports, kept on Kafka
    app.include_router(health.router)
    routes_dashboard.install(app)
    app.state.signin = signin.SignIn(settings)
    app.include_router(signin.router)
    app.middleware("http")(access_log)
    # outside the access log: a kept answer skips it and writes its line itself
    kept_answers.install(app, settings.reporting.kept_answers_window_s)

    @app.exception_handler(ProblemError)
    async def refused(_: Request, exc: ProblemError) -> JSONResponse:
        return exc.response()

    install_request_validation(app)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        return problem(
            exc.status_code,
            "http-" + str(exc.status_code),
            str(exc.detail),
            "see the OpenAPI document at /docs",
            [{"field": "(path)", "reason": str(exc.detail)}],
            headers=exc.headers,
        )

    @app.exception_handler(RedisError)
    async def store_unavailable(_: Request, exc: RedisError) -> JSONResponse:
        log.error("figures store unavailable", extra={"error": type(exc).__name__})
        return problem(
            503,
            "figures-unavailable",
            "Figures store unavailable",
            "Redis did not answer; try again shortly",
        )

    install_api_rules(app)
    install_load_shedding(app, settings.reporting.max_in_flight)  # inside the metrics: counted
    install_metrics(app, "reporting")
    return app
