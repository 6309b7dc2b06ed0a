"""The dispatcher's own HTTP side: ``/health``, ``/ready`` and ``/metrics``.

It was a hand-written socket that answered "ok" to anything, so a probe could not tell a
dispatcher that lost Redis, Kafka or a delivery loop from a working one. Now ``/ready`` asks
them (Redis ping, a broker that takes writes for the dead letters, every delivery loop still
running) and ``/metrics`` counts deliveries per webhook and outcome, so a receiver that keeps
failing is visible per subscriber. A receiver that is down does not make the dispatcher
unready (restarting it would not help); it shows in ``/metrics`` (failed attempts per reason,
failures in a row) and in ``GET /webhooks``, the state of each subscriber.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from prometheus_client import CollectorRegistry, Counter, Gauge
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
            "POST attempts per webhook, retries included (counted as each attempt ends)",
            ["webhook"],
            registry=registry,
        )
        self.failed_attempts = Counter(
            "wijkpuls_webhooks_failed_attempts",
            "POST attempts per webhook that got no 2xx, per reason (HTTP <status> or the "
            "connection error's class)",
            ["webhook", "reason"],
            registry=registry,
        )
        self.consecutive_failures = Gauge(
            "wijkpuls_webhooks_consecutive_failures",
            "failed POST attempts per webhook since its last 2xx; 0 while it takes alerts",
            ["webhook"],
            registry=registry,
        )
        self.last_delivered = Gauge(
            "wijkpuls_webhooks_last_delivered_timestamp_seconds",
            "Unix time of the last 2xx per webhook (absent before the first)",
            ["webhook"],
            registry=registry,
        )


def probe_app(
    redis: Redis,
    broker: BrokerWatch,
    loops: Callable[[], list[asyncio.Task[None]]],
    statuses: Callable[[], list[dict[str, Any]]] = list,
) -> tuple[FastAPI, DeliveryMetrics]:
    """``loops`` gives the running delivery tasks (one per webhook) when asked, ``statuses``
    each webhook's state (services/webhooks/status.py)."""

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

    async def webhooks() -> dict[str, list[dict[str, Any]]]:
        return {"webhooks": statuses()}

    app.add_api_route("/webhooks", webhooks, summary="State of each webhook's deliveries")
    return app, DeliveryMetrics(install_metrics(app, "webhooks"))
