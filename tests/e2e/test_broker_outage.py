"""The intake and a KPI worker while their broker is stopped and started again
(docs/reliability.md).

A broker of this test alone (tests/fixtures/private_broker.py) is stopped under a running
intake process and a running KPI worker, both on it, in the middle of a stream of the
two-year demo (tests/fixtures/two_year_stream.py) posted to the intake in batches. The
intake's `/ready` must say so within seconds, a POST must get its 503 with Retry-After at
once (not after the 30 s send timeout), and after the restart the intake goes on by itself.
Nothing the intake acknowledged may be missing from Kafka or doubled there.

The worker goes on by itself too (the same process, no restart): it applies and commits the
batches posted after the restart (what its /ready said meanwhile is printed, not judged: it
checks the group, Redis and the view, not the broker). Its Redis view then equals byte for
byte the view of a clean worker that read the same records and never saw the outage
(started beside it on the shared broker with topics of its own, and given the private
topic's records at the end, each on its partition in its order with its key, headers and
timestamp), and the figures the reporting serves from it equal the clean worker's and the
independent reference (tests/reference).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

import httpx
import pytest
import redis
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from conftest import INTAKE_AUTH
from fixtures.private_broker import PrivateBroker, private_broker
from fixtures.replay_support import (
    Snapshot,
    describe_snapshot,
    figures_diff,
    group_lag,
    reference_figures,
    served_figures,
    set_today,
    snapshot,
    snapshot_diff,
    worker_env,
)
from fixtures.service_procs import free_port, http_ok, run_service
from fixtures.two_year_stream import TODAY, two_year_events
from fixtures.worker_metrics import get
from intake_helpers import BATCH
from prometheus_client.parser import text_string_to_metric_families

from shared.contract.topics import Topic, topic_name
from shared.platform.kafka_admin import delete_topics_with_prefix, ensure_topics
from shared.platform.settings import KafkaSettings, get_domain_config

pytestmark = pytest.mark.e2e

A = TypeVar("A")
B = TypeVar("B")
Record: TypeAlias = "ConsumerRecord[bytes, bytes]"

BEFORE, DURING, AFTER = 200, 50, 150  # events posted before the stop, during it, after it
BATCH_SIZE = 25
WORKER = ["-m", "services.kpi", "worker", "-l", "info"]
WORKER_BACK_S = 60.0  # the worker must have applied everything this long after the start
VIEW_S = 60.0  # the clean worker's view must be there this long after the copy


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


def test_a_stopped_broker_is_said_at_once_and_nothing_acknowledged_is_lost(
    service_env: dict[str, str], kafka_bootstrap: str, redis_url: str, tmp_path: Path
) -> None:
    stream = two_year_events(BEFORE + DURING + AFTER)
    run = uuid.uuid4().hex[:8]
    clean = KafkaSettings(bootstrap_servers=kafka_bootstrap, topic_prefix=f"clean-{run}-")
    shared = redis.Redis.from_url(redis_url)
    logs = [tmp_path / n for n in ("intake.log", "worker.log", "clean-worker.log")]
    logs.append(tmp_path / "broker-var" / "kafka" / "logs" / "server.log")
    figures: dict[str, Any] = {}
    try:
        ensure_topics(clean, get_domain_config())
        set_today(shared, clean.topic_prefix)
        with ExitStack() as running:
            # The clean worker starts beside everything else; it is waited for at the end.
            clean_proc, clean_web = running.enter_context(
                _worker(worker_env(clean, redis_url), tmp_path / "clean", logs[2], wait=False)
            )
            broker = running.enter_context(private_broker(tmp_path))
            fault = KafkaSettings(bootstrap_servers=broker.bootstrap, topic_prefix=f"outage-{run}-")
            ensure_topics(fault, get_domain_config())
            set_today(shared, fault.topic_prefix)
            env = {**service_env, "WIJKPULS_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
                   "WIJKPULS_KAFKA_TOPIC_PREFIX": fault.topic_prefix}  # fmt: skip
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            intake = ["-m", "services.intake", "--port", str(port)]
            (fault_proc, web), intake_proc = running.enter_context(
                _beside(
                    _worker(worker_env(fault, redis_url), tmp_path / "fault", logs[1]),
                    run_service(intake, env, logs[0], http_ok(url + "/ready")),
                )
            )
            figures |= asyncio.run(_outage(broker, url, fault, web, stream))
            records = asyncio.run(_all_records(fault))
            asyncio.run(_copy(clean, records))
            with ThreadPoolExecutor(1) as pool:  # the group's commit while the clean one reads
                committed = pool.submit(_committed_s, fault, len(records), figures.pop("back"))
                fault_view = _applied_view(web, fault, shared, len(records), 10)
                clean_view = _applied_view(
                    clean_web, clean, shared, len(records), VIEW_S, fault_view
                )
                figures["worker committed all (s)"] = round(committed.result(), 1)
            figures["records the worker applied twice"] = _progress(web, fault)[0] - len(records)
            assert fault_proc.poll() is None, "the worker stopped"
            _stop_together([fault_proc, clean_proc], intake_proc)
        ids = Counter(json.loads(r.value)["id"] for r in records)
        assert set(figures.pop("acknowledged_ids")) <= set(ids), "an acknowledged event is lost"
        assert max(ids.values()) == 1, "an event is in Kafka twice"
        assert fault_view == clean_view, snapshot_diff(clean_view, fault_view)
        served = served_figures(redis_url, fault.topic_prefix, TODAY)
        assert served == served_figures(redis_url, clean.topic_prefix, TODAY)
        expected = reference_figures([json.loads(r.value) for r in records], TODAY)
        assert served == expected, figures_diff(served, expected)
    except BaseException:
        print(_tails(logs))  # what each process logged last
        raise
    finally:
        for prefix in (clean.topic_prefix, f"outage-{run}-"):  # this run's alone
            for key in shared.scan_iter(match=f"{prefix}*", count=2000):
                shared.delete(key)
        shared.close()
        delete_topics_with_prefix(clean, clean.topic_prefix)
    print(  # the figures for docs/reliability.md
        f"\nbroker outage: events sent {len(stream)} ({len({e['id'] for e in stream})} ids), "
        f"refused with 503 {figures.pop('refused')}, acknowledged {figures.pop('acknowledged')}"
        f" ids, in kafka {len(ids)}, doubled {sum(n - 1 for n in ids.values())}; worker's view "
        f"{describe_snapshot(fault_view)} equal to the clean worker's, figures served equal to "
        f"the reference; {figures}"
    )


async def _outage(
    broker: PrivateBroker, url: str, fault: KafkaSettings, web: str, stream: list[Any]
) -> dict[str, Any]:
    """Post the stream: the broker is stopped after the first part and started again after the
    second; wait until the worker has applied the last part. The counts and timings."""
    before, during, after = stream[:BEFORE], stream[BEFORE:-AFTER], stream[-AFTER:]
    acknowledged: list[str] = []
    refused_events = 0
    async with httpx.AsyncClient(base_url=url, headers=INTAKE_AUTH, timeout=60) as http:

        async def post(events: list[dict[str, Any]]) -> httpx.Response:
            answer = await http.post("/api/v1/events", json=events, headers=BATCH)
            if answer.status_code == 202:  # each accepted, or a duplicate of an accepted one
                acknowledged.extend(e["id"] for e in events)
            else:
                nonlocal refused_events
                refused_events += len(events)
            return answer

        for batch in _batches(before):
            assert (await post(batch)).status_code == 202

        readiness: list[tuple[float, str]] = []  # the worker's own /ready, as it changes
        watching = asyncio.create_task(_watch(web, readiness))
        stopped = time.monotonic()
        await asyncio.to_thread(broker.stop)  # the worker is still applying the first part
        noticed_s = await _wait(False, url, timeout_s=15)
        first, second = _batches(during)
        answer = await post(first)  # may be the one that finds out, within the send timeout
        started = time.monotonic()
        refused = await post(second)
        refused_s = time.monotonic() - started
        assert answer.status_code in (202, 503), answer.text
        assert refused.status_code == 503, refused.text
        assert int(refused.headers["retry-after"]) > 0
        assert refused.json()["type"].endswith("unavailable")
        assert refused_s < 3, f"the 503 took {refused_s:.1f} s"

        await asyncio.to_thread(broker.start)
        back = time.monotonic()
        back_s = await _wait(True, url, timeout_s=90)
        deadline = back + 30
        for batch in _batches(after):
            while (answer := await post(batch)).status_code != 202:
                assert time.monotonic() < deadline, answer.text
                await asyncio.sleep(0.5)
        in_kafka = len(set(acknowledged))  # at least
        while (progress := await asyncio.to_thread(_progress, web, fault))[0] < in_kafka:
            assert time.monotonic() - back < WORKER_BACK_S, (
                f"the worker did not go on: applied, lag {progress}; "
                f"group {await asyncio.to_thread(group_lag, fault)}"
            )
            await asyncio.sleep(0.2)
        applied_s = time.monotonic() - back
        watching.cancel()
    return {
        "acknowledged": in_kafka,
        "refused": refused_events,
        "acknowledged_ids": acknowledged,
        "back": back,
        "intake not ready after (s)": round(noticed_s, 1),
        "503 in (ms)": round(refused_s * 1000),
        "after the broker's start returned: intake ready (s)": round(back_s, 1),
        "worker applied all (s)": round(applied_s, 1),
        "worker /ready after the stop (s, answer)": [
            (round(at - stopped, 1), state) for at, state in readiness
        ],
        "broker start returned at (s)": round(back - stopped, 1),
    }


async def _watch(web: str, seen: list[tuple[float, str]]) -> None:
    """Note the worker's /ready answer each time it changes (its checks, or the error)."""
    async with httpx.AsyncClient(timeout=3) as http:
        while True:
            try:
                body = (await http.get(f"{web}/ready")).json()
                state = ",".join(k for k, ok in body["checks"].items() if ok) or "none"
                now = f"{'ready' if body['ready'] else 'not ready'} ({state})"
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                now = type(exc).__name__
            if not seen or seen[-1][1] != now:
                seen.append((time.monotonic(), now))
            await asyncio.sleep(0.25)


def _committed_s(kafka: KafkaSettings, records: int, back: float) -> float:
    """Seconds from ``back`` until the group has committed every one of the records."""
    while True:
        lag = group_lag(kafka)
        if lag.total == 0 and sum(p.end for p in lag.partitions) >= records:
            return time.monotonic() - back
        assert time.monotonic() - back < WORKER_BACK_S, f"not committed: {lag.to_dict()}"
        time.sleep(0.3)


def _batches(events: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [events[i : i + BATCH_SIZE] for i in range(0, len(events), BATCH_SIZE)]


def _progress(web: str, kafka: KafkaSettings) -> tuple[int, int | None]:
    """What the worker says of the events topic on its /metrics: the records it has applied
    since it started (a record read again counts again) and its lag (the end offsets asked
    of the broker now, minus the offset after the last record it acknowledged: no wait for a
    commit; None while it does not hold and know every partition). (0, None) when it does
    not answer. Applied counts only where the lag is 0: a stale end offset cannot pass."""
    try:
        status, text = get(f"{web}/metrics")
    except OSError:
        return 0, None
    if status != 200:
        return 0, None
    topic = topic_name(Topic.EVENTS, kafka)
    applied, lags = 0.0, []
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.labels.get("topic") != topic:
                continue
            if sample.name == "wijkpuls_kpi_records_applied_total":
                applied = sample.value
            elif sample.name == "wijkpuls_kpi_consumer_lag":
                lags.append(sample.value)
    lag = int(sum(lags)) if len(lags) == kafka.events_partitions else None
    return (int(applied) if lag == 0 else 0), lag


def _applied_view(
    web: str,
    kafka: KafkaSettings,
    client: redis.Redis,
    records: int,
    timeout_s: float,
    like: Snapshot | None = None,
) -> Snapshot:
    """The worker's view once it has applied ``records`` records of the events topic and the
    view stood still for 0.5 s (and, given ``like``, equals it); after ``timeout_s`` the view
    as it is."""
    deadline = time.monotonic() + timeout_s
    last: Snapshot | None = None
    while time.monotonic() < deadline:
        if _progress(web, kafka)[0] >= records:
            now = snapshot(client, kafka.topic_prefix)
            if now == last and (like is None or now == like):
                return now
            last = now
            time.sleep(0.5)
        else:
            time.sleep(0.3)
    return snapshot(client, kafka.topic_prefix)


async def _all_records(kafka: KafkaSettings) -> list[Record]:
    """Every record of the events topic up to its end offsets, by partition and offset."""
    topic = topic_name(Topic.EVENTS, kafka)
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka.bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(kafka.events_partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[Record] = []
        deadline = time.monotonic() + 30
        while any([await consumer.position(tp) < ends[tp] for tp in partitions]):
            assert time.monotonic() < deadline, f"the topic was not read in 30 s: {ends}"
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
        return sorted(records, key=lambda r: (r.partition, r.offset))
    finally:
        await consumer.stop()


async def _copy(kafka: KafkaSettings, records: list[Record]) -> None:
    """The records as they are onto the events topic of ``kafka``: each on its partition in
    its order, with its key, headers and timestamp."""
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka.bootstrap_servers, acks="all", enable_idempotence=True
    )
    topic = topic_name(Topic.EVENTS, kafka)
    await producer.start()
    try:
        sent = []
        for r in records:
            sent.append(
                await producer.send(
                    topic, r.value, r.key, r.partition, r.timestamp, list(r.headers)
                )
            )
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


@contextmanager
def _worker(
    env: dict[str, str], data_dir: Path, log: Path, wait: bool = True
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A KPI worker process and the URL of its web port; ``wait``: only once its /ready says
    it is a member of its group with its view complete."""
    port = free_port()
    env = {**env, "WIJKPULS_KPI_DATA_DIR": str(data_dir), "WIJKPULS_KPI_WEB_PORT": str(port)}
    web = f"http://127.0.0.1:{port}"
    ready = http_ok(f"{web}/ready") if wait else lambda _: True
    with run_service(WORKER, env, log, ready, timeout_s=120) as proc:
        yield proc, web


@contextmanager
def _beside(
    first: AbstractContextManager[A], second: AbstractContextManager[B]
) -> Iterator[tuple[A, B]]:
    """Both entered at once (the second in a thread) and exited."""
    with ExitStack() as stack, ThreadPoolExecutor(1) as pool:
        entering = pool.submit(second.__enter__)
        try:
            entered = stack.enter_context(first)
        finally:
            other = entering.result()
            stack.push(second)
        yield entered, other


def _stop_together(workers: list[subprocess.Popen[bytes]], intake: subprocess.Popen[bytes]) -> None:
    """Stop them at once (their contexts would do it one by one): the workers with SIGKILL,
    their state is thrown away and nothing is asked of them after their views were read; the
    intake with SIGTERM."""
    intake.terminate()
    for proc in workers:
        proc.kill()
    for proc in [*workers, intake]:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


NOISE = ("Unable connect to node", "Unable to update metadata", "NodeNotReadyError",
         "KafkaConnectionError")  # fmt: skip
"""aiokafka's lines while the broker is away: many a second, so left out of a failure's tails."""


def _tails(logs: list[Path], lines: int = 40) -> str:
    """The last lines each process logged (without the connection errors), for a failure."""
    parts = []
    for log in logs:
        text = log.read_text(errors="replace").splitlines() if log.exists() else ["(no log)"]
        kept = [line for line in text if not any(noise in line for noise in NOISE)]
        left_out = len(text) - len(kept)
        parts.append(
            f"--- {log.name}, last {lines} lines ({left_out} aiokafka connection errors left "
            "out):\n" + "\n".join(kept[-lines:])
        )
    return "\n".join(parts)
