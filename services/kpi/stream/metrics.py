"""The KPI worker's Prometheus metrics: one registry of its own, served on ``GET /metrics``.

Counters and histograms are bumped where the work happens (the agents' batches, the dead
letter, the Redis retries, the view rebuilds); the lag and stall gauges are read from the
partitions' standing when Prometheus asks (``standings``, filled by offsets.py's refresh).
No faust and no Redis here, so the unit tests read the same registry
(tests/unit/test_monitoring.py). docs/operations.md says what each one means.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TypedDict

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

NAMESPACE, SUBSYSTEM = "wijkpuls", "kpi"
REGISTRY = CollectorRegistry()


class _Where(TypedDict):
    namespace: str
    subsystem: str
    registry: CollectorRegistry


_metric = _Where(namespace=NAMESPACE, subsystem=SUBSYSTEM, registry=REGISTRY)

RECORDS = Counter(
    "records_applied",
    "Records of a topic the worker has done with and acknowledged (applied, dead-lettered, or "
    "passed over as applied before); at least once, so a record read again counts again",
    ["topic"],
    **_metric,
)
BATCH_SECONDS = Histogram(
    "batch_duration_seconds",
    "Time an agent spends applying one batch (events), tick or record (vroegsignalen) under "
    "its lock, until its writes are durable",
    ["agent"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    **_metric,
)
DEAD_LETTERS = Counter(
    "dead_letters",
    "Records sent to the dead-letter topic, per source topic and kind of reason (the full "
    "reason is in the record's header: python -m services.kpi.operations.dead_letters counts)",
    ["topic", "reason"],
    **_metric,
)
REDIS_RETRIES = Counter(
    "redis_retries", "Redis writes tried again because Redis did not answer", **_metric
)
REFETCHES = Counter(
    "partitions_refetched",
    "Partitions sought back to their committed offset because neither the commit nor the "
    "position moved for WIJKPULS_KPI_STALL_AFTER_S with records behind it (offsets.py)",
    ["topic"],
    **_metric,
)
REBUILDS = Counter(
    "view_rebuilds",
    "Rebuilds of the view of this worker's partitions after the figures store lost them "
    "(outcome written or given-up)",
    ["kind", "outcome"],
    **_metric,
)
REBUILD_SECONDS = Histogram(
    "view_rebuild_duration_seconds",
    "Time one rebuild took to write the view of its partitions from the tables",
    ["kind"],
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900),
    **_metric,
)
INCOMPLETE = Gauge(
    "view_incomplete_partitions",
    "Partitions held here whose view is not complete (no marker: being rebuilt, or waiting "
    "until the worker has applied what the topic held when the loss was noticed)",
    ["kind"],
    **_metric,
)


@asynccontextmanager
async def applying(agent: str) -> AsyncIterator[None]:
    """Times the body as one batch of ``agent`` (``async with lock, applying(...)``)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        BATCH_SECONDS.labels(agent).observe(time.perf_counter() - started)


def dead_lettered(topic: str, reason: str) -> None:
    # A bounded label: the reason texts name fields and headers a sender chose.
    kind = "processing-error" if reason.startswith("processing error") else "invalid-record"
    DEAD_LETTERS.labels(topic, kind).inc()


def records_applied(topic: str) -> Callable[[], None]:
    """The increment of ``topic``'s counter, looked up once (it runs per record)."""
    return RECORDS.labels(topic).inc


@dataclass(frozen=True)
class Standing:
    """One partition the worker holds, when last asked: how far behind, and stalled or not."""

    topic: str
    partition: int
    end: int
    position: int
    stalled: bool

    @property
    def lag(self) -> int:
        return max(self.end - self.position, 0)


class StandingCollector(Collector):
    """The lag and stall gauges of the partitions held now (none: the worker holds none)."""

    def __init__(self) -> None:
        self.standings: list[Standing] = []

    def collect(self) -> Iterator[Metric]:
        lag, stalled, held = (
            GaugeMetricFamily(
                f"{NAMESPACE}_{SUBSYSTEM}_{name}", text, labels=["topic", "partition"]
            )
            for name, text in (
                ("consumer_lag", "Records on the partition after the worker's position "
                 "(end offset minus the offset after the last record it acknowledged)"),
                ("stream_stalled", "1 when the partition has records to process and the "
                 "worker's position has not moved for WIJKPULS_KPI_STALL_AFTER_S"),
                ("partition_held", "1 for each partition the worker processes now"),
            )
        )  # fmt: skip
        for s in self.standings:
            labels = [s.topic, str(s.partition)]
            lag.add_metric(labels, s.lag)
            stalled.add_metric(labels, int(s.stalled))
            held.add_metric(labels, 1)
        yield from (lag, stalled, held)

    def describe(self) -> Iterable[Metric]:
        # Names only, so the registry knows them before the first standing exists.
        return self.collect()


standings = StandingCollector()
REGISTRY.register(standings)
