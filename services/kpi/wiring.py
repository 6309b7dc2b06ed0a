"""The one place a worker's objects are built: ``build_worker(settings) -> Worker``.

Nothing is built at import: ``build_worker`` makes the faust app, its topics and tables, the
Redis clients, the sinks, publisher, schedule, today and processors, and then registers the
agents, timers, tasks and web pages on the app through each module's ``register``, in the
order faust saw them when they were made at import. Building opens no connection: faust
connects when the app starts, Redis clients on their first command.

Everything the two zaak agents, the alert clock and the view rebuild share is a field of the
``Worker``. ``lock`` serialises them: one batch of records or one tick at a time, so a zaak's
read-modify-write is never interleaved. The processor and the applied-offset marks see the
tables through staging.py, and the Redis views through views.py: what a batch changes is
written when ``batch.commit`` runs.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date

import faust
from redis.asyncio import Redis

from services.kpi import probes, process_tuning
from services.kpi.app import make_app
from services.kpi.settings import Settings
from services.kpi.stream.changelog import ChangelogWriter
from services.kpi.stream.dead_letter import DeadLetters
from services.kpi.stream.gaps import AppliedOffsets, RangeReader
from services.kpi.stream.offsets import WorkerOffsets
from services.kpi.stream.staging import StagedTable, WorkerBatch
from services.kpi.tables import WorkerTables, make_tables
from services.kpi.topics import WorkerTopics, make_topics
from services.kpi.view import rebuild
from services.kpi.view.healer import ViewHealer
from services.kpi.vroegsignalen import agent as vroegsignalen_agent
from services.kpi.vroegsignalen.agent import Vroegsignalen
from services.kpi.zaken import agent as zaken_agent
from services.kpi.zaken import timers
from services.kpi.zaken.alert_publisher import AlertPublisher, BatchedPublisher
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
from shared.core.domain_config import DomainConfig, load_domain_config
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


@dataclass(eq=False)
class Worker:
    """One KPI worker: its faust app and everything its agents, timers and pages use."""

    settings: Settings
    app: faust.App
    topics: WorkerTopics
    tables: WorkerTables
    domain: DomainConfig
    calendar: AtwCalendar
    redis: Redis
    """The zaken side's client (sinks, publisher, today, view markers, readiness)."""
    schedule: AlertSchedule
    today: WorkerToday
    lock: asyncio.Lock
    processed: dict[int, int]
    """Events partition -> the offset after the last record processed here."""
    staged_zaken: StagedTable
    applied: AppliedOffsets
    views: ViewBatch
    skipped_reader: RangeReader
    publisher: AlertPublisher
    processor: ZaakProcessor
    batch: WorkerBatch
    vroegsignalen: Vroegsignalen
    offsets: WorkerOffsets
    dead_letters: DeadLetters
    healer: ViewHealer = field(init=False)
    """Made from the finished worker (its rebuilds use the worker's own objects)."""

    def assigned_partitions(self) -> set[int]:
        """The events partitions this worker processes now."""
        events = self.topics.events.get_topic_name()
        return {tp.partition for tp in self.app.assignor.assigned_actives() if tp.topic == events}


def build_worker(settings: Settings) -> Worker:
    """A KPI worker for these settings, its agents, timers, tasks and pages registered."""
    app = make_app(settings)
    topics = make_topics(app, settings)
    tables = make_tables(app, settings)
    prefix = settings.kafka.topic_prefix
    domain = load_domain_config(settings.app.domain_config)
    calendar = AtwCalendar(domain.gelijkgestelde_dagen)
    redis = Redis.from_url(settings.redis.url)
    alert_keys = AlertKeys(prefix)
    schedule = AlertSchedule()
    processed: dict[int, int] = {}
    staged_zaken = StagedTable(tables.zaken)
    staged_marks = StagedTable(tables.applied_offsets)
    views = ViewBatch(redis)
    applied = AppliedOffsets(staged_marks)
    changelog = ChangelogWriter(settings.kafka, f"{app.conf.id}-changelog")

    async def send_alert(record: KafkaRecord) -> None:
        delivery = await topics.alerts.send(
            key=record.key, value=record.value, headers=list(record.headers)
        )
        await delivery  # on the broker before the zaak's state says "given"

    publisher = AlertPublisher(
        send_alert,
        redis,
        alert_keys,
        settings.kpi.alert_source,
        domain.retention.topics.alerts_days,
    )
    processor = ZaakProcessor(
        table=staged_zaken,
        domain=domain,
        calendar=calendar,
        schedule=schedule,
        publisher=BatchedPublisher(publisher, views),
        figures=views.staged(ZaakFigures(FigureSink(redis, FigureKeys(prefix)), domain, calendar)),
        termijnen=views.staged(TermijnSink(redis, alert_keys, domain)),
        wachtend=views.staged(WachtendSink(redis, WachtendKeys(prefix))),
        alert_window_days=settings.kpi.alert_window_days,
    )
    sources = (topics.events, topics.vroegsignalen, topics.ticks)
    worker = Worker(
        settings=settings,
        app=app,
        topics=topics,
        tables=tables,
        domain=domain,
        calendar=calendar,
        redis=redis,
        schedule=schedule,
        today=WorkerToday(Today(redis, alert_keys, settings.app.environment)),
        lock=asyncio.Lock(),
        processed=processed,
        staged_zaken=staged_zaken,
        applied=applied,
        views=views,
        skipped_reader=RangeReader(settings.kafka, topics.events.get_topic_name()),
        publisher=publisher,
        processor=processor,
        batch=WorkerBatch(
            app,
            zaken=staged_zaken,
            marks=staged_marks,
            views=views,
            changelog=changelog,
            applied=applied,
            schedule=schedule,
            processed=processed,
        ),
        vroegsignalen=vroegsignalen_agent.build(settings, tables.vroegsignaalzaken),
        offsets=WorkerOffsets(
            app, settings.kafka, settings.kpi.stall_after_s, (t.get_topic_name() for t in sources)
        ),
        dead_letters=DeadLetters(topics.dlq, app.conf.id),
    )
    worker.healer = rebuild.make_healer(worker)
    _register(worker)
    return worker


def _register(worker: Worker) -> None:
    # The order deployed workers have always had (it was the order of __main__.py's imports):
    # faust starts agents, tasks and timers in the order they were added.
    vroegsignalen_agent.register(worker)  # agent process_vroegsignalen
    worker.offsets.register()  # the offset sensor, its consumer's stop at shutdown
    process_tuning.register(worker.app)  # tasks: the root logger's level, the gc thresholds
    rebuild.register(worker)  # timer view_check
    probes.register(worker)  # pages /health, /ready, /metrics
    zaken_agent.register(worker)  # agents process_events, process_ticks
    timers.register(worker)  # timer alert_clock; rebalance and shutdown hooks
