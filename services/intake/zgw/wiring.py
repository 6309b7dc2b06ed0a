"""Builds the ZGW adapter from the settings and gives the intake its router with a lifespan.

The intake includes ``zgw_router(settings)``; its lifespan starts the adapter's own Kafka
producer, Redis and HTTP clients and the reconciliation loop, and stops them again. Without
``WIJKPULS_ZGW_ZAKEN_API_URL`` nothing starts and callbacks are answered 503.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import APIRouter
from redis.asyncio import Redis

from services.intake.settings import Settings
from services.intake.zgw import routes
from services.intake.zgw.auth import authorization_header
from services.intake.zgw.client import ZgwClient
from services.intake.zgw.notifications import Notifications
from services.intake.zgw.reconcile import run_periodically
from services.intake.zgw.state import StateStore
from services.intake.zgw.sync import ZaakSync
from shared.contract.topics import Topic, topic_name
from shared.core.domain_config import load_domain_config
from shared.platform.kafka_io import make_producer
from shared.platform.publisher import Publisher


@dataclass
class ZgwAdapter:
    zaken: ZaakSync
    notifications: Notifications


@asynccontextmanager
async def running_adapter(settings: Settings) -> AsyncIterator[ZgwAdapter | None]:
    zgw = settings.zgw
    if zgw.zaken_api_url is None:
        yield None
        return
    roots = [str(url) for url in (zgw.zaken_api_url, zgw.besluiten_api_url) if url is not None]
    namespace = f"{settings.kafka.topic_prefix}intake:zgw"
    async with AsyncExitStack() as stack:
        producer = make_producer(settings.kafka, client_id="wijkpuls-intake-zgw")
        await producer.start()
        stack.push_async_callback(producer.stop)
        redis = Redis.from_url(settings.redis.url)
        stack.push_async_callback(redis.aclose)
        http = await stack.enter_async_context(httpx.AsyncClient(timeout=zgw.timeout_s))
        client = ZgwClient(
            http, roots, authorization_header(zgw), retries=zgw.retries, backoff_s=zgw.backoff_s
        )
        publisher = Publisher(
            producer, topic_name(Topic.EVENTS, settings.kafka), settings.intake.send_timeout_s
        )
        domain = load_domain_config(settings.app.domain_config)
        zaken = ZaakSync(client, StateStore(redis, namespace), publisher, domain, zgw)
        adapter = ZgwAdapter(zaken, Notifications(zaken))
        stack.push_async_callback(adapter.notifications.drain, settings.intake.send_timeout_s)
        if zgw.reconcile_interval_s > 0:
            lock = f"{namespace}:reconcile-lock"
            reconciler = asyncio.create_task(run_periodically(zaken, redis, lock))
            stack.push_async_callback(_stop, reconciler)
        yield adapter


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def zgw_router(settings: Settings) -> APIRouter:
    """The callback route, with a lifespan that runs the adapter while the app runs."""

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        async with running_adapter(settings) as adapter:
            app.state.zgw = adapter
            yield

    router = APIRouter(lifespan=lifespan)
    router.include_router(routes.router)
    return router
