"""The intake while its broker is stopped and started again (docs/reliability.md).

A broker of this test alone (tests/fixtures/private_broker.py) is stopped under a running
intake process: `/ready` must say so within seconds, a POST must get its 503 with
Retry-After at once (not after the 30 s send timeout), and after the restart the intake goes
on by itself. Nothing the intake acknowledged may be missing from Kafka or doubled there.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import pytest
from conftest import INTAKE_AUTH
from fixtures.private_broker import private_broker
from fixtures.service_procs import free_port, http_ok, run_service
from intake_helpers import BATCH, aangemeld, read_topic

from shared.contract.topics import Topic, topic_name
from shared.platform.kafka_admin import ensure_topics
from shared.platform.settings import KafkaSettings, get_domain_config

pytestmark = pytest.mark.e2e


async def _ready(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=5) as http:
            return (await http.get(f"{url}/ready")).status_code == 200
    except httpx.HTTPError:
        return False


async def _wait(check: bool, url: str, timeout_s: float) -> float:
    """Seconds until /ready says ``check``; fails after ``timeout_s``."""
    start = time.monotonic()
    while await _ready(url) is not check:
        assert time.monotonic() - start < timeout_s, f"/ready not {check} in {timeout_s} s"
        await asyncio.sleep(0.25)
    return time.monotonic() - start


async def test_a_stopped_broker_is_said_at_once_and_nothing_acknowledged_is_lost(
    service_env: dict[str, str], tmp_path: Path
) -> None:
    with private_broker(tmp_path) as broker:
        kafka = KafkaSettings(bootstrap_servers=broker.bootstrap, topic_prefix="outage-")
        ensure_topics(kafka, get_domain_config())
        env = {**service_env, "WIJKPULS_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
               "WIJKPULS_KAFKA_TOPIC_PREFIX": kafka.topic_prefix}  # fmt: skip
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        args = ["-m", "services.intake", "--port", str(port)]
        log = tmp_path / "intake.log"
        with run_service(args, env, log, http_ok(url + "/ready")):
            acknowledged: list[str] = []
            async with httpx.AsyncClient(base_url=url, headers=INTAKE_AUTH, timeout=60) as http:

                async def post(count: int) -> httpx.Response:
                    events = [aangemeld(f"Z-OUT-{uuid.uuid4().hex[:8]}") for _ in range(count)]
                    answer = await http.post("/api/v1/events", json=events, headers=BATCH)
                    if answer.status_code == 202:
                        acknowledged.extend(e["id"] for e in events)
                    return answer

                assert (await post(20)).status_code == 202

                broker.stop()
                noticed_s = await _wait(False, url, timeout_s=15)
                first = await post(5)  # may be the one that finds out, within the send timeout
                started = time.monotonic()
                refused = await post(5)
                refused_s = time.monotonic() - started
                assert first.status_code in (202, 503), first.text
                assert refused.status_code == 503, refused.text
                assert int(refused.headers["retry-after"]) > 0
                assert refused.json()["type"].endswith("unavailable")
                assert refused_s < 3, f"the 503 took {refused_s:.1f} s"

                broker.start()
                back_s = await _wait(True, url, timeout_s=90)
                deadline = time.monotonic() + 30
                while (answer := await post(20)).status_code != 202:
                    assert time.monotonic() < deadline, answer.text
                    await asyncio.sleep(0.5)

            records = await read_topic(
                broker.bootstrap, topic_name(Topic.EVENTS, kafka), len(acknowledged), 30
            )
        ids = Counter(json.loads(r.value)["id"] for r in records)
        assert set(acknowledged) <= set(ids), "an acknowledged event is missing from Kafka"
        assert max(ids.values()) == 1, "an event is in Kafka twice"
        print(  # the figures for docs/reliability.md
            f"broker outage: acknowledged {len(acknowledged)}, in kafka {len(ids)}, "
            f"not-ready after {noticed_s:.1f} s, 503 in {refused_s * 1000:.0f} ms, "
            f"ready again {back_s:.1f} s after the broker's start returned"
        )
