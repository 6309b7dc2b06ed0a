"""Fault test: a webhook receiver goes down while alerts are dispatched, then comes back.

The real dispatcher process (``python -m services.webhooks``) on the real broker and Redis,
two real HTTP receivers in the test: ``steady`` stays up, ``outage`` is stopped and started
again on its port. Alerts are written to the alerts topic as the KPI worker writes them.
What must hold (issue 17 item 3, docs/reliability.md):

- while ``outage`` is down every attempt fails and is retried with backoff; after the
  configured attempts the alert goes to the dead-letter topic naming the webhook; the failure
  shows per subscriber on ``/metrics`` and ``GET /webhooks`` (``failing``); ``/ready`` stays
  true (the dispatcher itself is fine) and ``steady`` gets every alert meanwhile;
- an alert still retrying when the receiver comes back is delivered by a later attempt;
- the dead letters, resent with the dead-letter tool, reach ``outage``; ``steady``, which
  acknowledged them before, gets none of them again: each receiver has every alert once.

Bounded: 5 attempts 0.3 s apart at first (0.3 + 0.6 + 1.2 + 1.2 s of waiting per alert), 2
alerts dead-lettered; about 15 s.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fixtures.service_procs import free_port, http_ok, run_service
from fixtures.topic_records import topic_records
from fixtures.webhook_receiver import Serving, serving
from kafka import KafkaProducer

from services.kpi.operations.dead_letters import main as dead_letters
from services.webhooks.dispatcher import WEBHOOK_HEADER
from services.webhooks.signing import hook_id
from shared.contract.dead_letter import REASON
from shared.contract.events import new_event, to_structured_record
from shared.contract.topics import Topic, topic_name
from shared.core.alerts import AlertKind, alert_id
from shared.platform.settings import KafkaSettings

pytestmark = pytest.mark.e2e

SECRET = "e2e-webhook-outage-secret-0123"
ATTEMPTS = 5  # the alert in its retries has 0.3 + 0.6 + 1.2 + 1.2 s to see the receiver back
DEAD = 2  # alerts sent while down that run out of attempts


def alert(n: int) -> tuple[str, bytes, bytes, list[tuple[str, bytes]]]:
    """Alert ``n`` as the worker writes it: (alert id, key, value, headers)."""
    zaak = f"Z-OUT-{n:03d}"
    ident = alert_id(zaak, "wmo-besluit", AlertKind.TERMIJN_OVERSCHREDEN)
    data = {
        "zaak_id": zaak, "datum": "2026-03-03", "alert_id": ident, "wet": "wmo",
        "wijk": "Warande", "clock": "wmo-besluit", "due": "2026-03-02", "historisch": False,
    }  # fmt: skip
    event = new_event("alert.termijn-overschreden", data, source="urn:x:y", event_id=ident)
    record = to_structured_record(event)
    return ident, record.key, record.value, list(record.headers)


def wait_until(check: Callable[[], bool], what: str, timeout_s: float = 45) -> float:
    start = time.monotonic()
    while not check():
        assert time.monotonic() - start < timeout_s, f"not within {timeout_s} s: {what}"
        time.sleep(0.1)
    return time.monotonic() - start


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the Prometheus text, 0 when absent."""
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        got = dict(part.split("=", 1) for part in line[len(name) + 1 : line.index("}")].split(","))
        if all(got.get(k) == f'"{v}"' for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def dead_lettered(kafka: KafkaSettings) -> list[tuple[str, dict[str, bytes]]]:
    """(alert id, headers) of every record on the dead-letter topic."""
    records = topic_records(kafka.bootstrap_servers, topic_name(Topic.DLQ, kafka))
    return [(json.loads(r.value)["id"], dict(r.headers)) for r in records]


@pytest.fixture
def receivers() -> Iterator[tuple[Serving, Serving]]:
    with serving(SECRET) as steady, serving(SECRET) as outage:
        yield steady, outage


def test_receiver_down_then_back(
    service_env: dict[str, str],
    kafka_settings: KafkaSettings,
    receivers: tuple[Serving, Serving],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    steady, outage = receivers
    hook = hook_id(outage.receiver.url)
    group = f"{kafka_settings.topic_prefix}wijkpuls-webhooks-{hook}"
    port = free_port()
    probe = f"http://127.0.0.1:{port}"
    env = {
        **service_env,
        "WIJKPULS_WEBHOOK_URLS": json.dumps([steady.receiver.url, outage.receiver.url]),
        "WIJKPULS_WEBHOOK_SECRET": SECRET,
        "WIJKPULS_WEBHOOK_MAX_ATTEMPTS": str(ATTEMPTS),
        "WIJKPULS_WEBHOOK_BACKOFF_INITIAL_S": "0.3",
        "WIJKPULS_WEBHOOK_BACKOFF_MAX_S": "1.2",
        "WIJKPULS_WEBHOOK_TIMEOUT_S": "2",
    }
    alerts = [alert(n) for n in range(3 + DEAD + 3)]
    ids = [a[0] for a in alerts]
    producer = KafkaProducer(bootstrap_servers=kafka_settings.bootstrap_servers, acks="all")

    def send(chosen: list[tuple[str, bytes, bytes, list[tuple[str, bytes]]]]) -> None:
        topic = topic_name(Topic.ALERTS, kafka_settings)
        for _, key, value, headers in chosen:
            producer.send(topic, key=key, value=value, headers=headers).get(timeout=30)

    def has(serving: Serving, wanted: list[str]) -> Callable[[], bool]:
        return lambda: set(wanted) <= set(serving.receiver.ids())

    args = ["-m", "services.webhooks", "--port", str(port)]
    with run_service(args, env, tmp_path / "webhooks.log", http_ok(probe + "/ready")), \
            httpx.Client(base_url=probe, timeout=10) as http:  # fmt: skip

        def state() -> dict[str, object]:
            (found,) = [w for w in http.get("/webhooks").json()["webhooks"] if w["webhook"] == hook]
            return dict(found)

        # Both receivers up: the first three alerts reach both.
        send(alerts[:3])
        wait_until(has(outage, ids[:3]), "the first alerts at both receivers")
        wait_until(has(steady, ids[:3]), "the first alerts at the steady receiver")

        # The receiver goes down; DEAD alerts come while it is down.
        outage.stop()
        down_at = time.monotonic()
        during = slice(3, 3 + DEAD)
        send(alerts[during])
        wait_until(has(steady, ids[: 3 + DEAD]), "the steady receiver keeps getting alerts")
        wait_until(lambda: state()["state"] == "failing", "the webhook shown failing")
        wait_until(lambda: state()["dead_lettered"] == DEAD, "alerts dead-lettered", 60)
        metrics = http.get("/metrics").text
        ready = http.get("/ready")
        assert ready.status_code == 200, ready.text  # a receiver down is not the dispatcher's
        dead = metric(metrics, "wijkpuls_webhooks_alerts_total", webhook=hook,
                      outcome="dead-lettered")  # fmt: skip
        failed = sum(
            metric(metrics, "wijkpuls_webhooks_failed_attempts_total", webhook=hook, reason=r)
            for r in ("ConnectError", "ConnectTimeout", "ReadError", "RemoteProtocolError")
        )
        in_a_row = metric(metrics, "wijkpuls_webhooks_consecutive_failures", webhook=hook)
        assert dead == DEAD and failed >= DEAD * ATTEMPTS and in_a_row >= DEAD * ATTEMPTS, metrics
        assert metric(metrics, "wijkpuls_webhooks_consecutive_failures",
                      webhook=hook_id(steady.receiver.url)) == 0  # fmt: skip
        letters = [(i, h) for i, h in dead_lettered(kafka_settings) if i in ids[during]]
        assert sorted(i for i, _ in letters) == sorted(ids[during])
        for _, headers in letters:
            assert headers[WEBHOOK_HEADER] == hook.encode()
            assert f"{ATTEMPTS} attempts failed" in headers[REASON].decode()

        # One more alert while down: back up after its first failed attempt, a retry takes it.
        failed_before = state()["failed_attempts"]
        retried = 3 + DEAD
        send(alerts[retried : retried + 1])
        wait_until(lambda: state()["failed_attempts"] > failed_before, "a failed attempt")  # type: ignore[operator]
        outage.start()
        back_at = time.monotonic()
        recovery = wait_until(has(outage, [ids[retried]]), "the alert in retry delivered")
        retried_at = outage.receiver.accepted_at_attempt[ids[retried]]
        assert 2 <= retried_at <= ATTEMPTS
        assert state()["state"] == "delivering"

        # The dead letters resent after the receiver is back; then two more alerts.
        monkeypatch.setenv("WIJKPULS_KAFKA_TOPIC_PREFIX", kafka_settings.topic_prefix)
        resend_at = time.monotonic()
        assert dead_letters(["resend", "--consumer", group]) == 0
        send(alerts[retried + 1 :])
        resent_in = wait_until(has(outage, ids), "every alert at the receiver that was down")
        wait_until(has(steady, ids), "every alert at the steady receiver")
        # The steady receiver's dispatcher read the resent records too and skipped them.
        wait_until(
            lambda: metric(http.get("/metrics").text, "wijkpuls_webhooks_alerts_total",
                           webhook=hook_id(steady.receiver.url), outcome="already") == DEAD,
            "the resent alerts skipped for the receiver that had them",
        )  # fmt: skip
    producer.close()

    for serving_ in (steady, outage):
        received = serving_.receiver.ids()
        assert set(received) == set(ids) and max(received.values()) == 1, received
    assert steady.receiver.bad_signatures == outage.receiver.bad_signatures == 0
    print(
        f"\nwebhook receiver down {back_at - down_at:.1f} s: {len(ids)} alerts sent; steady "
        f"receiver {len(steady.receiver.ids())} once each during and after; receiver down: "
        f"{int(dead)} dead-lettered after {ATTEMPTS} attempts ({int(failed)} failed attempts), "
        f"1 delivered at attempt {retried_at} {recovery:.1f} s after it was back, the "
        f"{int(dead)} dead letters resent and delivered in {resent_in:.1f} s "
        f"({time.monotonic() - resend_at:.1f} s with the check); lost 0, doubled 0"
    )
