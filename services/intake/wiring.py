"""Builds the intake's dependencies in one place, so tests swap them at one point."""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka import AIOKafkaProducer
from redis.asyncio import Redis

from services.intake.dedup import DedupStore
from services.intake.ratelimit import RateLimiter
from services.intake.settings import Settings
from shared.contract.topics import Topic, topic_name
from shared.core.domain_config import DomainConfig, load_domain_config
from shared.core.pseudonym import Pseudonymiser
from shared.platform.kafka_io import make_producer
from shared.platform.publisher import Publisher


@dataclass
class Edge:
    domain: DomainConfig
    pseudonymiser: Pseudonymiser
    publisher: Publisher
    dedup: DedupStore
    limiter: RateLimiter
    redis: Redis
    producer: AIOKafkaProducer
    max_batch_size: int
    max_body_bytes: int

    async def ready(self) -> dict[str, bool]:
        checks = {}
        for name, probe in (("redis", self.redis.ping), ("kafka", self.publisher.ready)):
            try:
                checks[name] = bool(await probe())
            except Exception:  # any failure means not ready; the reason is in the log
                checks[name] = False
        return checks

    async def close(self) -> None:
        await self.producer.stop()
        await self.redis.aclose()


async def start_edge(settings: Settings) -> Edge:
    producer = make_producer(settings.kafka, client_id="wijkpuls-intake")
    await producer.start()
    redis = Redis.from_url(settings.redis.url)
    namespace = f"{settings.kafka.topic_prefix}intake"
    return Edge(
        domain=load_domain_config(settings.app.domain_config),
        pseudonymiser=Pseudonymiser(settings.pseudonym.key, settings.pseudonym.key_version),
        publisher=Publisher(
            producer, topic_name(Topic.EVENTS, settings.kafka), settings.intake.send_timeout_s
        ),
        dedup=DedupStore(redis, namespace),
        limiter=RateLimiter(redis, namespace),
        redis=redis,
        producer=producer,
        max_batch_size=settings.intake.max_batch_size,
        max_body_bytes=settings.intake.max_body_bytes,
    )
