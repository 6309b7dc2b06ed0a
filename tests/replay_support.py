"""What the replay and scale-out tests share: a generated stream on the events topic, KPI
worker processes, waiting for them, a byte-exact snapshot of the Redis view, and the five KPIs
as served next to the independent reference (tests/reference).

The stream is the Helmond demo (``demo``) with harsher delivery quirks: 5% exact
duplicates, 10% out of order (a fifth of those weeks late, so besluiten arrive before their
aanmelding) and 3% corrections. Each event passes the edge (``accept_at_edge``) and goes
straight to the events topic in structured mode, keyed by zaak, without the intake: the
intake would drop the duplicates, here the worker must.

Its size is ``WIJKPULS_TEST_STREAM_EVENTS`` (default 20,000), the first that many events of
a demo year scaled to have a few more. Every record gets the Kafka timestamp of the moment it
is produced, and the date of the alert clock is set to ``TODAY`` (before any timestamp), so
every record counts as seen on ``TODAY`` and the alerts, too, are the same however the
records are spread over workers and restarts (docs/operations.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import redis
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from reference.figures import (
    bereik_ondersteuning,
    doorlooptijd,
    sth_opgepakt,
    sth_zonder_verwijzing,
    wachttijd,
)
from service_procs import ROOT, free_port, http_ok, run_service

from demo import DemoOptions, DemoStream, Quirks
from services.kpi.facts import zaak_fact
from services.kpi.lag import GroupLag, measure
from services.kpi.sink import encode
from services.kpi.termijnen_sink import termijnen_document
from services.reporting.app import create_app
from shared.contract.alert_keys import AlertKeys
from shared.contract.events import accept_at_edge, parse_stored_event, to_structured_record
from shared.contract.figure_keys import FigureKeys
from shared.contract.topics import Topic, topic_name
from shared.core.domain import AtwCalendar, ZaakHistory
from shared.core.domain_config import get_domain_config
from shared.core.kpi.contribution import zaak_contribution
from shared.core.pseudonym import Pseudonymiser
from shared.platform.settings import (
    KafkaSettings,
    KpiSettings,
    PseudonymSettings,
    RedisSettings,
    ReportingSettings,
    Settings,
)

STREAM_EVENTS = int(os.environ.get("WIJKPULS_TEST_STREAM_EVENTS", "20000"))
START, MONTHS, TODAY = date(2025, 7, 1), 12, date(2026, 6, 30)
QUIRKS = Quirks(duplicate_rate=0.05, out_of_order_rate=0.10, correction_rate=0.03)
EVENTS_PER_SCALE = 18_000  # a demo year at scale 1 with these quirks has ~19k events
ANALIST_KEY = "replay-analist-key-0123456789"
KPIS: dict[str, Callable[[list[dict[str, Any]], date], dict[Any, Any]]] = {
    "doorlooptijd": lambda events, _: doorlooptijd(events),
    "wachttijd": wachttijd,
    "sth-opgepakt": sth_opgepakt,
    "sth-zonder-verwijzing": sth_zonder_verwijzing,
    "bereik-ondersteuning": bereik_ondersteuning,
}
# Faust reads these from the environment: a killed worker's partitions move after ~6 s.
FAST_REBALANCE = {"BROKER_SESSION_TIMEOUT": "6", "BROKER_HEARTBEAT_INTERVAL": "1"}

Record = tuple[bytes | None, bytes, list[tuple[str, bytes]]]


@dataclass(frozen=True)
class Stream:
    records: list[Record]  # as produced, in delivery order
    events: list[dict[str, Any]]  # as stored (after the edge), for the reference

    def stats(self) -> dict[str, int]:
        ids = [e["id"] for e in self.events]
        zaken = {e["data"]["zaak_id"] for e in self.events}
        return {"events": len(ids), "duplicates": len(ids) - len(set(ids)), "zaken": len(zaken)}


def generated_stream(size: int = STREAM_EVENTS, seed: int = 11) -> Stream:
    """The first ``size`` events of a demo year with the quirks above, as stored records."""
    options = DemoOptions(START, MONTHS, seed, TODAY, size / EVENTS_PER_SCALE, QUIRKS)
    domain = get_domain_config()
    keys = PseudonymSettings()
    pseudonymiser = Pseudonymiser(keys.key, keys.key_version)
    records: list[Record] = []
    events: list[dict[str, Any]] = []
    for raw in itertools.islice(DemoStream(options, domain), size):
        event = accept_at_edge(raw, domain, pseudonymiser)
        record = to_structured_record(event)
        records.append((record.key, record.value, list(record.headers)))
        events.append(event.to_dict())
    assert len(records) == size, f"the demo gave {len(records)} events, wanted {size}"
    return Stream(records, events)


# --- Kafka -------------------------------------------------------------------------------


def events_topic(kafka: KafkaSettings) -> str:
    return topic_name(Topic.EVENTS, kafka)


async def produce(
    bootstrap: str,
    topic: str,
    records: list[Record],
    pause_every: int = 0,
    pause_s: float = 0,
    sent: list[int] | None = None,
) -> None:
    """Send the records in order (each zaak's on its partition in order), acks=all.

    ``pause_every``/``pause_s``: a stream that keeps coming while workers consume it;
    ``sent[0]`` counts the records the broker has acknowledged so far.
    """
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=20
    )
    await producer.start()
    try:
        pending = []
        for n, (key, value, headers) in enumerate(records, 1):
            pending.append(await producer.send(topic, value=value, key=key, headers=headers))
            if pause_every and n % pause_every == 0:
                await asyncio.gather(*pending)
                pending.clear()
                if sent is not None:
                    sent[0] = n
                await asyncio.sleep(pause_s)
        await asyncio.gather(*pending)
        if sent is not None:
            sent[0] = len(records)
    finally:
        await producer.stop()


def group_lag(kafka: KafkaSettings) -> GroupLag:
    """The workers' lag per events partition and their members (``python -m services.kpi.lag``)."""
    return measure(kafka, KpiSettings())


# --- the worker ------------------------------------------------------------------------


def worker_env(kafka: KafkaSettings, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "WIJKPULS_ENVIRONMENT": "test",
        "WIJKPULS_KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "WIJKPULS_KAFKA_TOPIC_PREFIX": kafka.topic_prefix,
        "WIJKPULS_REDIS_URL": redis_url,
        "WIJKPULS_KPI_ALERT_TICK_S": "1",
        **FAST_REBALANCE,
    }


@contextmanager
def worker(env: dict[str, str], data_dir: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """One KPI worker process with its own data dir and web port; SIGTERM when done."""
    web = free_port()
    env = {**env, "WIJKPULS_KPI_DATA_DIR": str(data_dir), "WIJKPULS_KPI_WEB_PORT": str(web)}
    args = ["-m", "services.kpi", "worker", "-l", "info"]
    with run_service(args, env, log, http_ok(f"http://127.0.0.1:{web}/"), timeout_s=120) as p:
        yield p


def reset(env: dict[str, str], data_dirs: list[Path], *extra: str) -> str:
    """``python -m services.kpi.reset`` as an operator runs it; its output."""
    args = [sys.executable, "-m", "services.kpi.reset", "--yes", *extra]
    for data_dir in data_dirs:
        args += ["--data-dir", str(data_dir)]
    done = subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


# --- the Redis view ----------------------------------------------------------------------

Snapshot = dict[str, tuple[str, Any]]


def snapshot(client: redis.Redis, prefix: str) -> Snapshot:
    """Every key of the prefix's view, by name without the prefix, with its exact content.

    Not DUMP: a hash's encoding and field order depend on its history. Hashes and sets are
    sorted, sorted sets keep Redis' order (score, then member), strings are the bytes.
    Left out: the test date (not part of the view) and the webhook delivery marks.
    """
    keys = AlertKeys(prefix)
    names = sorted(
        k
        for k in client.scan_iter(match=f"{prefix}wp:*", count=2000)
        if k.decode() != keys.today_override and not k.decode().startswith(f"{prefix}wp:webhook:")
    )
    with client.pipeline(transaction=False) as pipe:
        for name in names:
            pipe.type(name)
        types = [t.decode() for t in pipe.execute()]
    with client.pipeline(transaction=False) as pipe:
        for name, kind in zip(names, types, strict=True):
            read = {
                "string": pipe.get,
                "hash": pipe.hgetall,
                "set": pipe.smembers,
                "zset": lambda n, p=pipe: p.zrange(n, 0, -1, withscores=True),
            }[kind]
            read(name)
        values = pipe.execute()
    found: Snapshot = {}
    for name, kind, value in zip(names, types, values, strict=True):
        if kind == "hash":
            value = sorted(value.items())
        elif kind == "set":
            value = sorted(value)
        found[name.decode().removeprefix(prefix)] = (kind, value)
    return found


def describe_snapshot(found: Snapshot) -> dict[str, int]:
    """Key counts by kind of key (wp:cell, wp:contrib, wp:zaak, ...)."""
    counts: dict[str, int] = {}
    for name in found:
        kind = ":".join(name.split(":")[:2])
        counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items()))


def snapshot_diff(a: Snapshot, b: Snapshot, limit: int = 5) -> str:
    only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    lines = [f"{len(only_a)} keys only before, e.g. {only_a[:limit]}"]
    lines.append(f"{len(only_b)} keys only after, e.g. {only_b[:limit]}")
    lines.append(f"{len(changed)} keys differ:")
    lines += [f"  {k}: {a[k]!r:.300} != {b[k]!r:.300}" for k in changed[:limit]]
    return "\n".join(lines)


def settle(
    kafka: KafkaSettings,
    client: redis.Redis,
    expected_records: int,
    timeout_s: float,
    quiet_s: float = 3.0,
) -> Snapshot:
    """Wait until the group committed every record and the view stopped changing; the view.

    ``expected_records``: how many records the events topic must hold first (a producer may
    still be sending).
    """
    deadline = time.monotonic() + timeout_s
    last: Snapshot | None = None
    while True:
        lag = group_lag(kafka)
        if time.monotonic() > deadline:
            raise AssertionError(f"not settled in {timeout_s:.0f} s: {lag.to_dict()}")
        if sum(p.end for p in lag.partitions) >= expected_records and lag.total == 0:
            now = snapshot(client, kafka.topic_prefix)
            if now == last:
                return now
            last = now
            time.sleep(quiet_s)
        else:
            last = None
            time.sleep(1.0)


def wait_until(check: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


# --- the figures as served and as the reference computes them ---------------------------


@contextmanager
def _kept_logging() -> Iterator[None]:
    """create_app configures the root logger; put it back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


async def _served(redis_url: str, prefix: str) -> dict[str, dict[Any, Any]]:
    settings = Settings(
        kafka=KafkaSettings(topic_prefix=prefix),
        redis=RedisSettings(url=redis_url),
        reporting=ReportingSettings(api_keys={ANALIST_KEY: "analist"}),
    )
    app = create_app(settings, today=lambda: TODAY)
    found: dict[str, dict[Any, Any]] = {}
    async with app.router.lifespan_context(app), _client(app) as client:
        for kpi in KPIS:
            answer = await client.get(f"/api/v1/kpi/{kpi}", headers={"X-API-Key": ANALIST_KEY})
            answer.raise_for_status()
            body = answer.json()
            assert body["peildatum"] == TODAY.isoformat()
            found[kpi] = {(c.pop("wet"), c.pop("wijk"), c.pop("periode")): c for c in body["cells"]}
    return found


@contextlib.asynccontextmanager
async def _client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as client:
        yield client


def served_figures(redis_url: str, prefix: str) -> dict[str, dict[Any, Any]]:
    """The five KPIs, every cell, as the reporting API serves them on ``TODAY`` (analist)."""
    with _kept_logging():
        return asyncio.run(_served(redis_url, prefix))


def reference_figures(events: list[dict[str, Any]]) -> dict[str, dict[Any, Any]]:
    return {kpi: reference(events, TODAY) for kpi, reference in KPIS.items()}


def figures_diff(served: dict[str, dict[Any, Any]], expected: dict[str, dict[Any, Any]]) -> str:
    lines = []
    for kpi, cells in expected.items():
        got = served.get(kpi, {})
        missing, extra = sorted(set(cells) - set(got)), sorted(set(got) - set(cells))
        wrong = sorted(c for c in set(cells) & set(got) if cells[c] != got[c])
        if missing or extra or wrong:
            lines.append(
                f"{kpi}: {len(missing)} missing {missing[:3]}, {len(extra)} extra {extra[:3]}, "
                f"{len(wrong)} wrong "
                + "; ".join(f"{c}: {got[c]} != {cells[c]}" for c in wrong[:3])
            )
    return "\n".join(lines)


def counted(figures: dict[str, dict[Any, Any]]) -> dict[str, int]:
    """Per KPI the gemeente-wide count over the whole stream (to show it is not empty)."""
    basis = {"bereik-ondersteuning": "households"}
    return {
        kpi: sum(
            c[basis.get(kpi, "n")]
            for (_, wijk, p), c in cells.items()
            if wijk == "gemeente" and len(p) == 7  # months
        )
        for kpi, cells in figures.items()
    }


def set_today(client: redis.Redis, prefix: str) -> None:
    """The date of the alert clock and the default peildatum (test environment only)."""
    client.set(AlertKeys(prefix).today_override, TODAY.isoformat())


def drop_view(client: redis.Redis, prefix: str) -> None:
    for key in client.scan_iter(match=f"{prefix}wp:*", count=2000):
        client.delete(key)


def wrong_zaken(client: redis.Redis, prefix: str, stream: Stream, limit: int = 5) -> str:
    """The zaken whose stored contribution or termijnen document is not what the worker's own
    pure code computes from all their events ('' when none): the zaak, what Redis holds, what
    was expected, and where its records sit in the stream. The served figures can agree with
    the reference while a zaak is wrong in a way no KPI shows (a clock's stop), so the tests
    assert this too."""
    domain = get_domain_config()
    calendar = AtwCalendar(domain.gelijkgestelde_dagen)
    histories: dict[str, ZaakHistory] = {}
    positions: dict[str, list[int]] = {}
    for n, event in enumerate(stream.events):
        found = zaak_fact(parse_stored_event(event))
        if found:
            histories[found[0]] = histories.get(found[0], ZaakHistory()).add(found[1])
            positions.setdefault(found[0], []).append(n)
    figure_keys, alert_keys = FigureKeys(prefix), AlertKeys(prefix)
    wrong = []
    for zaak_id, history in sorted(histories.items()):
        want = encode(zaak_contribution(history, domain, calendar, zaak_id=zaak_id))
        want_doc = termijnen_document(zaak_id, history, domain, calendar)
        stored = client.get(figure_keys.contribution(zaak_id))
        stored_doc = client.get(alert_keys.zaak(zaak_id))
        got = stored.decode() if stored else "[]"
        got_doc = stored_doc.decode() if stored_doc else ""
        if got != want or got_doc != want_doc:
            at = positions[zaak_id]
            wrong.append(
                f"{zaak_id} at {at}:\n  got  {got:.300} {got_doc:.600}\n"
                f"  want {want:.300} {want_doc:.600}"
            )
    if not wrong:
        return ""
    return f"{len(wrong)} zaken wrong of {len(histories)}\n" + "\n".join(wrong[:limit])


def events_assignment(kafka: KafkaSettings) -> tuple[str, list[set[int]]]:
    """The group's state and, per member, the events partitions it holds."""
    lag = group_lag(kafka)
    return lag.state, [set(partitions) for partitions in lag.members.values()]


def committed(kafka: KafkaSettings) -> dict[int, int]:
    """The group's committed offset per events partition (where it has one)."""
    partitions = group_lag(kafka).partitions
    return {p.partition: p.committed for p in partitions if p.committed is not None}


def alert_record_ids(kafka: KafkaSettings) -> Counter[str]:
    """How often each alert id is on the alerts topic (a repeat: a record processed twice)."""

    async def read() -> Counter[str]:
        topic = topic_name(Topic.ALERTS, kafka)
        consumer = AIOKafkaConsumer(
            bootstrap_servers=kafka.bootstrap_servers, group_id=None, enable_auto_commit=False
        )
        await consumer.start()
        try:
            tps = [TopicPartition(topic, p) for p in range(kafka.alerts_partitions)]
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
            ends = await consumer.end_offsets(tps)
            ids: Counter[str] = Counter()
            while any([await consumer.position(tp) < ends[tp] for tp in tps]):
                for batch in (await consumer.getmany(timeout_ms=1000)).values():
                    ids.update(json.loads(r.value)["id"] for r in batch)
            return ids
        finally:
            with contextlib.suppress(asyncio.CancelledError):  # aiokafka 0.14 on a quick stop
                await consumer.stop()

    return asyncio.run(read())
