"""``python -m services.webhooks``: deliver alerts to the configured webhooks (docs/alerts.md)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine
from typing import Any

import httpx
import uvicorn
from aiokafka import AIOKafkaConsumer
from redis.asyncio import Redis

from services.webhooks.delivery import Backoff, max_poll_interval_ms
from services.webhooks.dispatcher import Dispatcher, Webhook
from services.webhooks.probes import probe_app
from services.webhooks.settings import Settings, get_settings
from shared.contract.alert_keys import AlertKeys
from shared.contract.topics import Topic, topic_name
from shared.core.domain_config import load_domain_config
from shared.platform.broker_watch import BrokerWatch
from shared.platform.kafka_io import make_consumer, make_producer
from shared.platform.logs import configure_logging

log = logging.getLogger("wijkpuls.webhooks")


async def serve(settings: Settings, host: str, port: int) -> None:
    config = settings.webhook
    kafka = settings.kafka
    keys = AlertKeys(kafka.topic_prefix)
    keep_days = load_domain_config(settings.app.domain_config).retention.topics.alerts_days
    backoff = Backoff(config.max_attempts, config.backoff_initial_s, config.backoff_max_s)
    hooks = [Webhook(str(url), config.secret.get_secret_value(), backoff) for url in config.urls]
    redis = Redis.from_url(settings.redis.url)
    producer = make_producer(kafka, "wijkpuls-webhooks")
    consumers: list[AIOKafkaConsumer] = []
    loops: list[asyncio.Task[None]] = []
    dispatchers: list[Dispatcher] = []
    broker = BrokerWatch(producer, topic_name(Topic.DLQ, kafka))
    probes, metrics = probe_app(
        redis, broker, lambda: loops, lambda: [d.status.report() for d in dispatchers]
    )
    server = uvicorn.Server(
        uvicorn.Config(probes, host=host, port=port, log_config=None, access_log=False)
    )
    serving = asyncio.create_task(server.serve())
    await producer.start()
    try:
        async with httpx.AsyncClient(timeout=config.timeout_s) as client:
            for hook in hooks:
                group = f"{kafka.topic_prefix}{config.group_id}-{hook.id}"
                consumer = make_consumer(
                    kafka,
                    topic_name(Topic.ALERTS, kafka),
                    group_id=group,
                    client_id=group,
                    enable_auto_commit=False,
                    auto_offset_reset="earliest",
                    max_poll_interval_ms=max_poll_interval_ms(backoff, config.timeout_s),
                )
                await consumer.start()
                consumers.append(consumer)
                dispatchers.append(
                    Dispatcher(
                        hook,
                        consumer=consumer,
                        producer=producer,
                        client=client,
                        redis=redis,
                        keys=keys,
                        dlq_topic=topic_name(Topic.DLQ, kafka),
                        group=group,
                        keep_days=keep_days,
                        metrics=metrics,
                    )
                )
            log.info("webhook dispatcher ready", extra={"webhooks": [h.id for h in hooks]})
            if dispatchers:
                loops.extend(asyncio.create_task(d.run()) for d in dispatchers)
                await asyncio.gather(*loops)
            else:
                await asyncio.Event().wait()  # nothing to deliver; stay up for the health check
    finally:
        for consumer in consumers:
            await consumer.stop()
        await producer.stop()
        server.should_exit = True
        await serving
        await redis.aclose()


def main() -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(
        prog="python -m services.webhooks",
        description="Wijkpuls webhook dispatcher: POSTs every alert that is not historisch "
        "to each WIJKPULS_WEBHOOK_URLS entry (CloudEvents JSON, X-Wijkpuls-Signature "
        "sha256 HMAC), at least once per alert id, with retries and a dead letter. All "
        "settings come from WIJKPULS_* environment variables (docs/settings.md).",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface of GET /health, /ready and /metrics (default: %(default)s)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=settings.webhook.health_port,
        help="port of GET /health, /ready and /metrics (default: %(default)s)",
    )
    args = parser.parse_args()
    configure_logging(settings.app.log_level)
    # httpx logs every request with its URL, which may hold a receiver's token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(_until_stopped(serve(settings, args.host, args.port)))


async def _until_stopped(work: Coroutine[Any, Any, None]) -> None:
    """Run until SIGTERM or SIGINT, then cancel: an alert whose offset was not committed
    is delivered again after the restart (at least once; the receiver has the alert id)."""
    task = asyncio.ensure_future(work)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await task


if __name__ == "__main__":
    main()
