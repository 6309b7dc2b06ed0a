"""The one place the worker's objects are built: sinks, publisher, schedule, today, processor.

Everything the two agents and the timer share lives here. ``lock`` serialises them: one
batch of records or one tick at a time, so a zaak's read-modify-write is never interleaved.
The processor and the applied-offset marks see the tables through staging.py, and the Redis
views through views.py: what a batch changes is written when ``batch.commit`` runs.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from datetime import date

from redis.asyncio import Redis

from services.kpi.app import app, settings
from services.kpi.stream.gaps import AppliedOffsets, RangeReader
from services.kpi.stream.staging import StagedTable, WorkerBatch
from services.kpi.tables import applied_offsets, zaken
from services.kpi.topics import alerts_topic, events_topic
from services.kpi.zaken.alert_publisher import AlertPublisher
from services.kpi.zaken.figures_sink import FigureSink, ZaakFigures
from services.kpi.zaken.processor import ZaakProcessor
from services.kpi.zaken.schedule import AlertSchedule
from services.kpi.zaken.termijnen_sink import TermijnSink
from services.kpi.zaken.views import ViewBatch
from services.kpi.zaken.wachtend_sink import WachtendSink
from shared.contract.alert_keys import AlertKeys
from shared.contract.events import KafkaRecord
from shared.contract.figure_keys import FigureKeys
from shared.contract.wachtend_keys import WachtendKeys
from shared.core.domain import AtwCalendar
from shared.core.domain_config import load_domain_config
from shared.platform.today import Today


class WorkerToday:
    """Today for the alert clock: read once, then refreshed by every tick of the timer."""

    def __init__(self, source: Today) -> None:
        self._source = source
        self._cached: date | None = None

    async def current(self) -> date:
        if self._cached is None:
            self._cached = await self._source()
        return self._cached

    async def refresh(self) -> date:
        self._cached = await self._source()
        return self._cached


async def _send_alert(record: KafkaRecord) -> None:
    delivery = await alerts_topic.send(
        key=record.key, value=record.value, headers=list(record.headers)
    )
    await delivery  # on the broker before the zaak's state says "given"


domain = load_domain_config(settings.app.domain_config)
calendar = AtwCalendar(domain.gelijkgestelde_dagen)
redis = Redis.from_url(settings.redis.url)
alert_keys = AlertKeys(settings.kafka.topic_prefix)
figure_keys = FigureKeys(settings.kafka.topic_prefix)
schedule = AlertSchedule()
today = WorkerToday(Today(redis, alert_keys, settings.app.environment))
lock = asyncio.Lock()
processed: dict[int, int] = {}
"""Events partition -> the offset after the last record processed here."""
staged_zaken = StagedTable(zaken)
staged_marks = StagedTable(applied_offsets)
views = ViewBatch(redis)
applied = AppliedOffsets(staged_marks)
skipped_reader = RangeReader(settings.kafka, events_topic.get_topic_name())

publisher = AlertPublisher(
    _send_alert, redis, alert_keys, settings.kpi.alert_source, domain.retention.topics.alerts_days
)
processor = ZaakProcessor(
    table=staged_zaken,
    domain=domain,
    calendar=calendar,
    schedule=schedule,
    publisher=publisher,
    figures=views.staged(ZaakFigures(FigureSink(redis, figure_keys), domain, calendar)),
    termijnen=views.staged(TermijnSink(redis, alert_keys, domain, calendar)),
    wachtend=views.staged(WachtendSink(redis, WachtendKeys(settings.kafka.topic_prefix))),
    alert_window_days=settings.kpi.alert_window_days,
)
batch = WorkerBatch(
    app,
    zaken=staged_zaken,
    marks=staged_marks,
    views=views,
    applied=applied,
    schedule=schedule,
    processed=processed,
)


@app.task  # type: ignore[untyped-decorator]  # faust's decorators carry no types
async def _quiet_root_logger() -> None:
    """Lift the root logger to the level its handlers print from (``-l``).

    faust's worker sets the root logger to DEBUG for its startup spinner and leaves it there,
    so every debug call of aiokafka, faust and mode builds a log record that no handler
    prints: a few % of the worker's CPU. The output stays the same.
    """
    root = logging.getLogger()
    levels = [h.level for h in root.handlers if type(h).__name__ != "SpinnerHandler"]
    if levels and min(levels) > root.level:
        root.setLevel(min(levels))


GC_THRESHOLDS = (50_000, 50, 100)
"""Generation thresholds of the garbage collector once the worker runs (CPython's: 700, 10,
10). A batch allocates many short-lived containers (facts, histories, clock results); with
the default the collector ran every few records and its full passes walked every object the
worker holds, a cost per event that grew with the stream (docs/performance.md)."""


@app.task  # type: ignore[untyped-decorator]  # faust's decorators carry no types
async def _tune_gc() -> None:
    """Keep the startup objects (modules, settings, clients) out of every collection and
    collect less often: reference cycles are still collected, only in larger steps."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def assigned_partitions() -> set[int]:
    """The events partitions this worker processes now."""
    return {
        tp.partition
        for tp in app.assignor.assigned_actives()
        if tp.topic == events_topic.get_topic_name()
    }
