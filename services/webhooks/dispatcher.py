"""Consumes the alerts topic and delivers each alert to one webhook, at least once.

One consumer group per webhook (``<group_id>-<webhook id>``), so a receiver that is down
holds up only its own deliveries. Per record: an alert that is historisch is skipped (listed
in the API, not pushed); one this webhook already has (Redis key per webhook and alert id,
kept as long as the alerts topic keeps alerts) is skipped, so a replayed or repeated alert
record is not delivered twice; otherwise it is POSTed with retries, and after the last failed
attempt written to the dead-letter topic with the reason. The offset is committed after that.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from redis.asyncio import Redis

from services.webhooks.delivery import Backoff, Sleep, deliver
from services.webhooks.probes import DeliveryMetrics
from services.webhooks.signing import hook_id
from services.webhooks.status import HookStatus
from shared.contract.alert_keys import AlertKeys
from shared.contract.dead_letter import dead_letter_headers
from shared.contract.events import UndecodableRecord, from_kafka_record
from shared.contract.events.alert import Alert

log = logging.getLogger("wijkpuls.webhooks")
WEBHOOK_HEADER = "wijkpuls-dlq-webhook"
DAY_S = 24 * 60 * 60


@dataclass
class Webhook:
    url: str
    secret: str
    backoff: Backoff

    @property
    def id(self) -> str:
        return hook_id(self.url)


class Dispatcher:
    """Delivers the records of one consumer (one webhook)."""

    def __init__(
        self,
        webhook: Webhook,
        *,
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        client: httpx.AsyncClient,
        redis: Redis,
        keys: AlertKeys,
        dlq_topic: str,
        group: str,
        keep_days: int,
        sleep: Sleep | None = None,
        metrics: DeliveryMetrics | None = None,
    ) -> None:
        self.webhook = webhook
        self._consumer = consumer
        self._producer = producer
        self._client = client
        self._redis = redis
        self._keys = keys
        self._dlq_topic = dlq_topic
        self._group = group
        self._keep_s = keep_days * DAY_S
        self._sleep = sleep
        self._metrics = metrics
        self.status = HookStatus(webhook.id)

    async def run(self) -> None:
        async for record in self._consumer:
            outcome = await self.handle(record)
            if self._metrics:
                self._metrics.outcomes.labels(self.webhook.id, outcome).inc()
            tp = TopicPartition(record.topic, record.partition)
            await self._consumer.commit({tp: record.offset + 1})

    async def handle(self, record: ConsumerRecord[bytes, bytes]) -> str:
        """What happened to the record: delivered, already, historisch, skipped, dead-lettered."""
        headers = list(record.headers or [])
        try:
            event = from_kafka_record(record.key, record.value, headers)
        except UndecodableRecord as exc:
            await self._dead_letter(record, f"not an alert event: {exc.reason}")
            return "dead-lettered"
        if not isinstance(event.data, Alert):
            log.warning("not an alert on the alerts topic", extra={"type": event.type})
            return "skipped"
        alert = event.data
        if alert.historisch:
            return "historisch"
        key = self._keys.delivered(self.webhook.id, alert.alert_id)
        if await self._redis.exists(key):
            return "already"
        body = event.to_json()
        kwargs = {"sleep": self._sleep} if self._sleep else {}
        outcome = await deliver(
            self._client,
            self.webhook.url,
            body,
            alert.alert_id,
            self.webhook.secret,
            self.webhook.backoff,
            observe=self._attempted,
            **kwargs,
        )
        if outcome.delivered:
            # A receiver that acknowledged gets this alert id never again from this
            # webhook's dispatcher (a replay, a resend from the dead letters). An ack lost on
            # the way back (a timeout after the receiver took it) is retried: at least once,
            # the receiver deduplicates by X-Wijkpuls-Alert-Id (docs/alerts.md).
            await self._redis.set(key, "1", ex=self._keep_s)
            self.status.delivered += 1
            log.info(
                "delivered",
                extra={"webhook": self.webhook.id, "alert_id": alert.alert_id,
                       "attempts": outcome.attempts},
            )  # fmt: skip
            return "delivered"
        reason = (
            f"webhook {self.webhook.id}: {outcome.attempts} attempts failed, last {outcome.reason}"
        )
        await self._dead_letter(record, reason)
        self.status.dead_lettered += 1
        return "dead-lettered"

    def _attempted(self, reason: str | None) -> None:
        self.status.attempt(reason)
        if not self._metrics:
            return
        hook = self.webhook.id
        self._metrics.attempts.labels(hook).inc()
        self._metrics.consecutive_failures.labels(hook).set(self.status.consecutive_failures)
        if reason is None:
            self._metrics.last_delivered.labels(hook).set_to_current_time()
        else:
            self._metrics.failed_attempts.labels(hook, reason).inc()

    async def _dead_letter(self, record: ConsumerRecord[bytes, bytes], reason: str) -> None:
        headers = dead_letter_headers(
            list(record.headers or []),
            reason,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            consumer=self._group,
        )
        headers.append((WEBHOOK_HEADER, self.webhook.id.encode()))
        await self._producer.send_and_wait(
            self._dlq_topic, key=record.key, value=record.value, headers=headers
        )
        log.warning("dead-lettered", extra={"webhook": self.webhook.id, "reason": reason})
