"""The webhook dispatcher without a broker: signature, retries with backoff, dedup, dead letter."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from services.webhooks.delivery import Backoff, deliver
from services.webhooks.dispatcher import WEBHOOK_HEADER, Dispatcher, Webhook
from services.webhooks.signing import SIGNATURE_HEADER, hook_id, signature, verify
from shared.contract.alert_keys import AlertKeys
from shared.contract.dead_letter import REASON
from shared.contract.events import new_event, to_structured_record
from shared.core.alerts import AlertKind, alert_id

SECRET = "webhook-secret-for-tests"
URL = "https://teamlead.example/hook?token=abc"


def test_the_signature_is_hmac_sha256_of_the_exact_body():
    body = b'{"id":"x"}'
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert signature(body, SECRET) == f"sha256={expected}"
    assert verify(body, SECRET, signature(body, SECRET))
    assert not verify(body + b" ", SECRET, signature(body, SECRET))
    assert not verify(body, SECRET, None)
    assert len(hook_id(URL)) == 12 and "token" not in hook_id(URL)


def test_backoff_doubles_up_to_its_maximum():
    backoff = Backoff(max_attempts=8, initial_s=1.0, max_s=10.0)
    assert [backoff.wait_before(n) for n in range(2, 8)] == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


@dataclass
class Script:
    """Answers in turn; records what arrived."""

    answers: list[int | Exception]
    seen: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        answer = self.answers[min(len(self.seen), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer)


def client(script: Script) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(script))


async def test_delivery_retries_with_backoff_until_a_2xx():
    script = Script([503, 500, 204])
    waits: list[float] = []

    async def sleep(s: float) -> None:
        waits.append(s)

    async with client(script) as http:
        outcome = await deliver(http, URL, b"{}", "a-1", SECRET, Backoff(5, 0.5, 60), sleep=sleep)
    assert (outcome.delivered, outcome.attempts) == (True, 3)
    assert waits == [0.5, 1.0]
    first = script.seen[0]
    assert verify(first.content, SECRET, first.headers[SIGNATURE_HEADER])
    assert first.headers["content-type"].startswith("application/cloudevents+json")
    assert [r.headers["x-wijkpuls-delivery-attempt"] for r in script.seen] == ["1", "2", "3"]
    assert {r.headers["x-wijkpuls-alert-id"] for r in script.seen} == {"a-1"}


async def test_delivery_gives_up_after_the_last_attempt_with_the_reason():
    async def sleep(_: float) -> None:
        return None

    async with client(Script([httpx.ConnectError("refused"), 500])) as http:
        outcome = await deliver(http, URL, b"{}", "a", SECRET, Backoff(3, 1, 1), sleep=sleep)
    assert (outcome.delivered, outcome.attempts, outcome.reason) == (False, 3, "HTTP 500")


class FakeRedis:
    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    async def exists(self, key: str) -> int:
        return int(key in self.data)

    async def set(self, key: str, value: str, ex: int | None = None) -> None:
        self.data[key] = (value, ex)


@dataclass
class FakeProducer:
    sent: list[dict[str, Any]] = field(default_factory=list)

    async def send_and_wait(self, topic: str, **kwargs: Any) -> None:
        self.sent.append({"topic": topic, **kwargs})


def alert_record(historisch: bool = False, offset: int = 0) -> SimpleNamespace:
    ident = alert_id("Z-1", "wmo-besluit", AlertKind.TERMIJN_OVERSCHREDEN)
    data = {
        "zaak_id": "Z-1",
        "datum": "2026-03-03",
        "alert_id": ident,
        "wet": "wmo",
        "wijk": "Warande",
        "clock": "wmo-besluit",
        "due": "2026-03-02",
        "historisch": historisch,
    }
    event = new_event("alert.termijn-overschreden", data, source="urn:x:y", event_id=ident)
    r = to_structured_record(event)
    return SimpleNamespace(
        topic="alerts", partition=0, offset=offset, key=r.key, value=r.value, headers=r.headers
    )


def dispatcher(script: Script, redis: FakeRedis, producer: FakeProducer) -> Dispatcher:
    async def sleep(_: float) -> None:
        return None

    return Dispatcher(
        Webhook(URL, SECRET, Backoff(3, 0.1, 1)),
        consumer=None,  # type: ignore[arg-type]  # handle() does not consume
        producer=producer,  # type: ignore[arg-type]
        client=client(script),
        redis=redis,  # type: ignore[arg-type]
        keys=AlertKeys("t-"),
        dlq_topic="dlq",
        group="t-group",
        keep_days=730,
        sleep=sleep,
    )


async def test_an_alert_is_delivered_once_per_webhook_whatever_repeats_it():
    script, redis, producer = Script([200]), FakeRedis(), FakeProducer()
    d = dispatcher(script, redis, producer)
    assert await d.handle(alert_record()) == "delivered"
    assert await d.handle(alert_record(offset=7)) == "already"  # a replayed record
    assert len(script.seen) == 1 and producer.sent == []
    sent = json.loads(script.seen[0].content)
    assert sent["id"] == sent["data"]["alert_id"] and sent["type"].endswith("termijn-overschreden")
    ((key, (_, ttl)),) = redis.data.items()
    assert key.startswith("t-wp:webhook:") and ttl == 730 * 24 * 3600


async def test_historisch_alerts_are_not_pushed():
    script = Script([200])
    d = dispatcher(script, FakeRedis(), FakeProducer())
    assert await d.handle(alert_record(historisch=True)) == "historisch"
    assert script.seen == []


@pytest.mark.parametrize("bad", [False, True])
async def test_an_undeliverable_or_undecodable_record_goes_to_the_dead_letter_topic(bad: bool):
    script, redis, producer = Script([503]), FakeRedis(), FakeProducer()
    d = dispatcher(script, redis, producer)
    record = alert_record()
    if bad:
        record.value = b"{not json"
    assert await d.handle(record) == "dead-lettered"
    (letter,) = producer.sent
    headers = dict(letter["headers"])
    assert letter["topic"] == "dlq" and letter["value"] == record.value
    assert headers[WEBHOOK_HEADER] == hook_id(URL).encode()
    reason = headers[REASON].decode()
    assert (
        ("not an alert event" in reason) if bad else ("3 attempts failed, last HTTP 503" in reason)
    )
    assert redis.data == {}


def test_production_refuses_the_development_webhook_secret():
    from pydantic import SecretStr, ValidationError

    from services.webhooks.settings import Settings, WebhookSettings
    from shared.platform.settings import AppSettings, Environment, PseudonymSettings

    production = {
        "app": AppSettings(environment=Environment.PRODUCTION),
        "pseudonym": PseudonymSettings(key=SecretStr("a-production-key")),
    }
    with pytest.raises(ValidationError, match="WIJKPULS_WEBHOOK_SECRET"):
        Settings(**production, webhook=WebhookSettings(urls=["https://teamlead.example/hook"]))
    Settings(**production)  # no webhooks: nothing is signed
    secret = SecretStr("a-real-webhook-secret")
    Settings(**production, webhook=WebhookSettings(urls=[URL], secret=secret))


def test_a_consumer_may_wait_as_long_as_the_longest_delivery():
    from services.webhooks.delivery import DEFAULT_MAX_POLL_INTERVAL_MS, max_poll_interval_ms

    defaults = Backoff(max_attempts=8, initial_s=1.0, max_s=300.0)
    # 1+2+...+64 s of waits and 8 timeouts of 10 s: within aiokafka's 5 minutes
    assert defaults.longest_delivery_s(10.0) == 127 + 80
    assert max_poll_interval_ms(defaults, 10.0) == DEFAULT_MAX_POLL_INTERVAL_MS
    # 12 attempts: 127 + 128 + 256 + 300 + 300 s of waits and 12 timeouts, far over 5 minutes
    many = Backoff(max_attempts=12, initial_s=1.0, max_s=300.0)
    assert many.longest_delivery_s(10.0) == 1111 + 120
    assert max_poll_interval_ms(many, 10.0) == (1231 + 60) * 1000


async def test_the_state_per_webhook_follows_its_attempts():
    script, redis, producer = (
        Script([httpx.ConnectError("refused"), 503, 204]),
        FakeRedis(),
        FakeProducer(),
    )
    d = dispatcher(script, redis, producer)
    assert d.status.report()["state"] == "delivering"
    assert await d.handle(alert_record()) == "delivered"
    report = d.status.report()
    assert (report["state"], report["failed_attempts"], report["consecutive_failures"]) == (
        "delivering",
        2,
        0,
    )
    assert report["last_failure"] == "HTTP 503" and report["delivered"] == 1
    assert report["last_delivered_at"] is not None


async def test_a_failing_webhook_shows_on_its_metrics_before_the_dead_letter():
    from prometheus_client import CollectorRegistry

    from services.webhooks.probes import DeliveryMetrics

    registry = CollectorRegistry()
    script, redis, producer = Script([httpx.ConnectError("refused")]), FakeRedis(), FakeProducer()
    d = dispatcher(script, redis, producer)
    d._metrics = DeliveryMetrics(registry)
    seen: list[float | None] = []

    async def sleep(_: float) -> None:  # each wait between attempts looks at the metrics
        seen.append(
            registry.get_sample_value(
                "wijkpuls_webhooks_consecutive_failures", {"webhook": d.webhook.id}
            )
        )

    d._sleep = sleep
    assert await d.handle(alert_record()) == "dead-lettered"
    assert seen == [1.0, 2.0]  # visible while still retrying
    labels = {"webhook": d.webhook.id, "reason": "ConnectError"}
    assert registry.get_sample_value("wijkpuls_webhooks_failed_attempts_total", labels) == 3
    assert (
        registry.get_sample_value("wijkpuls_webhooks_attempts_total", {"webhook": d.webhook.id})
        == 3
    )
    assert d.status.report()["state"] == "failing" and d.status.dead_lettered == 1
