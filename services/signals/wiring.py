"""Builds the signals service's dependencies in one place: vault core, producer, publisher."""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka import AIOKafkaProducer

from services.signals.pipeline.publisher import VroegsignaalPublisher
from services.signals.vault.vault_context import SignalsCore, build_core
from shared.contract.topics import Topic, topic_name
from shared.platform.kafka_io import make_producer
from shared.platform.settings import Environment, Settings


class UnsafeSettingsError(RuntimeError):
    pass


@dataclass
class SignalsEdge:
    core: SignalsCore
    publisher: VroegsignaalPublisher
    producer: AIOKafkaProducer

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
        self.core.engine.dispose()


def check_settings(settings: Settings) -> None:
    if settings.app.environment is Environment.PRODUCTION:
        refusals = settings.signals.production_refusals()
        if refusals:
            raise UnsafeSettingsError("; ".join(refusals))


async def start_edge(settings: Settings, client_id: str = "wijkpuls-signals") -> SignalsEdge:
    check_settings(settings)
    core = build_core(settings)
    producer = make_producer(settings.kafka, client_id=client_id)
    await producer.start()
    topic = topic_name(Topic.VROEGSIGNALEN, settings.kafka)
    publisher = VroegsignaalPublisher(producer, topic, settings.signals.send_timeout_s)
    return SignalsEdge(core, publisher, producer)
