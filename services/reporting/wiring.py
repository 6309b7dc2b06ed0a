"""Builds the reporting API's dependencies in one place, so tests swap them at one point."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from redis.asyncio import Redis

from services.reporting.access import ApiKeys
from services.reporting.store import FigureStore
from shared.domain_config import DomainConfig, load_domain_config
from shared.figure_keys import FigureKeys
from shared.settings import Settings

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A Redis that does not answer turns into a 503 within seconds instead of a hung request.
CONNECT_TIMEOUT_S = 2.0
COMMAND_TIMEOUT_S = 10.0


def amsterdam_today() -> date:
    """The default peildatum (BRIEF §4): today in Europe/Amsterdam."""
    return datetime.now(AMSTERDAM).date()


@dataclass
class Reporting:
    domain: DomainConfig
    store: FigureStore
    api_keys: ApiKeys
    redis: Redis
    today: Callable[[], date]

    async def ready(self) -> dict[str, bool]:
        try:
            answered = bool(await self.redis.ping())
        except Exception:  # any failure means not ready; the reason is in the log
            answered = False
        return {"redis": answered}

    async def close(self) -> None:
        await self.redis.aclose()


def start_reporting(settings: Settings, today: Callable[[], date] | None = None) -> Reporting:
    redis = Redis.from_url(
        settings.redis.url,
        decode_responses=True,
        socket_connect_timeout=CONNECT_TIMEOUT_S,
        socket_timeout=COMMAND_TIMEOUT_S,
    )
    return Reporting(
        domain=load_domain_config(settings.app.domain_config),
        store=FigureStore(redis, FigureKeys(settings.kafka.topic_prefix)),
        api_keys=ApiKeys(settings.reporting.api_keys),
        redis=redis,
        today=today or amsterdam_today,
    )
