"""Builds the signals service's dependencies in one place: vault core, producer, publisher."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from aiokafka import AIOKafkaProducer
from redis.asyncio import Redis

from services.signals.pipeline.publisher import VroegsignaalPublisher
from services.signals.settings import Settings
from services.signals.vault.vault_context import SignalsCore, build_core
from shared.contract.alert_keys import AlertKeys
from shared.contract.topics import Topic, topic_name
from shared.core.local_time import amsterdam_today
from shared.platform.kafka_io import make_producer
from shared.platform.settings import Environment
from shared.platform.today import OVERRIDABLE, Today


class UnsafeSettingsError(RuntimeError):
    pass


@dataclass
class SignalsEdge:
    core: SignalsCore
    publisher: VroegsignaalPublisher
    producer: AIOKafkaProducer
    today: Today
    override_store: Redis | None = None

    async def ready(self) -> dict[str, bool]:
        checks = {}
        try:
            checks["kafka"] = bool(await self.publisher.ready())
        except Exception:  # any failure means not ready
            checks["kafka"] = False
        try:
            with self.core.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            checks["vault"] = True
        except Exception:
            checks["vault"] = False
        return checks

    async def close(self) -> None:
        await self.producer.stop()
        if self.override_store is not None:
            await self.override_store.aclose()
        self.core.engine.dispose()


def check_settings(settings: Settings) -> None:
    if settings.app.environment is Environment.PRODUCTION:
        refusals = settings.signals.production_refusals()
        if refusals:
            raise UnsafeSettingsError("; ".join(refusals))


async def start_edge(
    settings: Settings,
    client_id: str = "wijkpuls-signals",
    today: Callable[[], date] | None = None,
) -> SignalsEdge:
    """``today`` replaces the wall clock; in test and development the date set with
    ``python -m shared.platform.today`` replaces both, as in every service."""
    check_settings(settings)
    core = build_core(settings)
    producer = make_producer(settings.kafka, client_id=client_id)
    await producer.start()
    topic = topic_name(Topic.VROEGSIGNALEN, settings.kafka)
    publisher = VroegsignaalPublisher(producer, topic, settings.signals.send_timeout_s)
    environment = settings.app.environment
    store = Redis.from_url(settings.redis.url) if environment in OVERRIDABLE else None
    keys = AlertKeys(settings.kafka.topic_prefix)
    clock = Today(store, keys, environment, today or amsterdam_today)
    return SignalsEdge(core, publisher, producer, clock, store)
