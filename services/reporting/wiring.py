"""Builds the reporting API's dependencies in one place, so tests swap them at one point."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from redis.asyncio import BlockingConnectionPool, Redis

from services.reporting.access import ApiKeys
from services.reporting.health import ViewMarkers, view_markers
from services.reporting.kpis.figures_store import FigureStore
from services.reporting.settings import Settings
from services.reporting.termijnen.termijnen_store import TermijnStore
from services.reporting.wachtend.wachtend_store import WachtendStore
from shared.contract.alert_keys import AlertKeys
from shared.contract.figure_keys import FigureKeys
from shared.contract.wachtend_keys import WachtendKeys
from shared.core.domain import AtwCalendar
from shared.core.domain_config import DomainConfig, load_domain_config
from shared.core.local_time import amsterdam_today
from shared.platform.today import OVERRIDABLE, Today

# A Redis that does not answer turns into a 503 within seconds instead of a hung request.
CONNECT_TIMEOUT_S = 2.0
COMMAND_TIMEOUT_S = 10.0


@dataclass
class Reporting:
    domain: DomainConfig
    calendar: AtwCalendar
    store: FigureStore
    termijnen: TermijnStore
    wachtend: WachtendStore
    api_keys: ApiKeys
    redis: Redis
    today: Today
    views: ViewMarkers
    today_key: str | None = None
    """The Redis key of the date that replaces today (test and development), as ``today``
    reads it; None in production: ``wall`` is today."""
    wall: Callable[[], date] = amsterdam_today

    async def current_date(self) -> date:
        """The default peildatum (docs/domain.md#peildatum): today in Europe/Amsterdam, or in test
        and
        development the date set with ``python -m shared.platform.today``."""
        return await self.today()

    async def ready(self) -> dict[str, bool]:
        try:
            answered = bool(await self.redis.ping())
        except Exception:  # any failure means not ready; the reason is in the log
            answered = False
        return {"redis": answered}

    async def close(self) -> None:
        await self.redis.aclose(close_connection_pool=True)


def start_reporting(settings: Settings, today: Callable[[], date] | None = None) -> Reporting:
    # A blocking pool: under a burst a request waits (redis_pool_wait_s) for a connection
    # instead of failing at once with MaxConnectionsError, as the default pool did.
    pool = BlockingConnectionPool.from_url(
        settings.redis.url,
        decode_responses=True,
        socket_connect_timeout=CONNECT_TIMEOUT_S,
        socket_timeout=COMMAND_TIMEOUT_S,
        max_connections=settings.reporting.redis_pool_size,
        timeout=settings.reporting.redis_pool_wait_s,
    )
    redis = Redis(connection_pool=pool)
    domain = load_domain_config(settings.app.domain_config)
    alert_keys = AlertKeys(settings.kafka.topic_prefix)
    overridable = settings.app.environment in OVERRIDABLE
    return Reporting(
        domain=domain,
        calendar=AtwCalendar(domain.gelijkgestelde_dagen),
        store=FigureStore(
            redis,
            FigureKeys(settings.kafka.topic_prefix),
            settings.reporting.figures_version_ttl_s,
        ),
        termijnen=TermijnStore(redis, alert_keys),
        wachtend=WachtendStore(redis, WachtendKeys(settings.kafka.topic_prefix)),
        api_keys=ApiKeys(settings.reporting.api_keys),
        redis=redis,
        today=Today(redis, alert_keys, settings.app.environment, today or amsterdam_today),
        views=view_markers(
            redis,
            settings.kafka.topic_prefix,
            settings.kafka.events_partitions,
            settings.kafka.vroegsignalen_partitions,
            settings.reporting.view_markers_required,
        ),
        today_key=alert_keys.today_override if overridable else None,
        wall=today or amsterdam_today,
    )
