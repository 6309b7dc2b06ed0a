"""The dispatcher's own HTTP side: ``/health``, ``/ready`` and ``/metrics``.

It was a hand-written socket that answered "ok" to anything, so a probe could not tell a
dispatcher that lost Redis, Kafka or a delivery loop from a working one. Now ``/ready`` asks
them (Redis ping, a broker that takes writes for the dead letters, every delivery loop still
running) and ``/metrics`` counts deliveries per webhook and outcome, so a receiver that keeps
failing is visible per subscriber.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from fastapi import FastAPI, Request
from prometheus_client import CollectorRegistry, Counter
from redis.asyncio import Redis

from shared.platform.broker_watch import BrokerWatch
from shared.platform.health import health_router
from shared.platform.metrics import install_metrics


class DeliveryMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.outcomes = Counter(
            "wijkpuls_webhooks_alerts",
            "Alert records handled per webhook (its id) and outcome: delivered, already, "
            "historisch, skipped, dead-lettered",
            ["webhook", "outcome"],
            registry=registry,
        )
        self.attempts = Counter(
            "wijkpuls_webhooks_attempts",
            "POST attempts per webhook, retries included",
            ["webhook"],
            registry=registry,
        )


def probe_app(
    redis: Redis, broker: BrokerWatch, loops: Callable[[], list[asyncio.Task[None]]]
) -> tuple[FastAPI, DeliveryMetrics]:
    """``loops`` gives the running delivery tasks (one per webhook) when asked."""

    async def checks(_: Request) -> dict[str, bool]:
        try:
            redis_ok = bool(await redis.ping())
        except Exception:  # any failure is "not ready"; the reason is in the log
            redis_ok = False
        running = loops()
        return {
            "redis": redis_ok,
            "kafka": await broker.writable(),
            "deliveries": all(not task.done() for task in running),
        }

    app = FastAPI(title="Wijkpuls webhook dispatcher", docs_url=None, redoc_url=None)
    app.include_router(
        health_router("Redis and Kafka answer and every webhook's delivery loop runs", checks)
    )
    return app, DeliveryMetrics(install_metrics(app, "webhooks"))
