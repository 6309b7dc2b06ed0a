"""Where the worker is on the partitions it holds: read from faust and its consumer.

A faust sensor sees every record the agents acknowledge (``on_message_out``) and counts it;
the group's committed offsets come through faust_seam.py; end offsets (and the log start, for
a partition with neither) are asked of the broker, with a group-less consumer of this module's
own (faust's consumer answers such questions only between two fetches, a second or more
later), when someone needs them: Prometheus (``WorkerOffsets.refresh``, services/kpi/probes.py)
and the view healer (``ViewProgress``: a rebuilt view is marked complete once its partition
has caught up with what the topic held when the loss was noticed; services/kpi/view/healer.py).
One ``WorkerOffsets`` per worker, built with it (services/kpi/wiring.py); its ``register`` puts
the sensor on the app.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import faust
from aiokafka import AIOKafkaConsumer, TopicPartition
from faust.sensors import Sensor
from faust.types import TP

from services.kpi.stream import metrics
from services.kpi.stream.faust_seam import committed_offsets, consumer_state, seek
from services.kpi.stream.progress import Partition, Positions, StallWatch, StuckCommits
from shared.platform.kafka_io import make_consumer
from shared.platform.settings import KafkaSettings

log = logging.getLogger("wijkpuls.kpi.offsets")

ASK_S = 3.0
"""How long one question to the broker may take (a scrape, a view check) before the last
known answer is used."""


class OffsetSensor(Sensor):
    def __init__(self, positions: Positions, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._positions = positions
        self._counts: dict[str, Callable[[], None]] = {}

    def on_message_out(self, tp: TP, offset: int, message: Any) -> None:
        self._positions.acknowledged((tp.topic, tp.partition), offset)
        count = self._counts.get(tp.topic)
        if count is None:
            count = self._counts[tp.topic] = metrics.records_applied(tp.topic)
        count()

    def on_rebalance_start(self, app: Any) -> dict[str, Any]:
        self._positions.forget()
        state: dict[str, Any] = super().on_rebalance_start(app)
        return state


class BrokerOffsets:
    """End offsets and log starts, asked with a consumer of its own (no group, no fetches)."""

    def __init__(self, kafka: KafkaSettings) -> None:
        self._kafka = kafka
        self._consumer: AIOKafkaConsumer | None = None

    async def ask(self, question: str, partitions: Iterable[Partition]) -> dict[Partition, int]:
        """``question``: ``end_offsets`` or ``beginning_offsets`` of aiokafka's consumer."""
        tps = [TopicPartition(topic, partition) for topic, partition in partitions]
        if not tps:
            return {}
        if self._consumer is None:
            consumer = make_consumer(self._kafka, group_id=None, enable_auto_commit=False)
            try:
                await asyncio.wait_for(consumer.start(), ASK_S)
            except BaseException:
                await consumer.stop()  # its connections, half opened
                raise
            self._consumer = consumer
        found = await asyncio.wait_for(getattr(self._consumer, question)(tps), ASK_S)
        return {(tp.topic, tp.partition): offset for tp, offset in found.items()}

    async def stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None


class WorkerOffsets:
    """The positions, lag and stalls of one worker's app on its source topics (the events,
    vroegsignalen and ticks topics)."""

    def __init__(
        self, app: faust.App, kafka: KafkaSettings, stall_after_s: float, sources: Iterable[str]
    ) -> None:
        self._app = app
        self.sources = frozenset(sources)
        self.broker = BrokerOffsets(kafka)
        self.positions = Positions()
        self.watch = StallWatch(stall_after_s)
        self.stuck = StuckCommits(stall_after_s)
        self.unstick_every_s = min(max(stall_after_s / 4, 1.0), 15.0)
        self._ends: dict[Partition, int] = {}  # the last end offsets the broker gave

    def register(self) -> None:
        """The sensor that counts acknowledged records, the timer that seeks stuck partitions
        back (``unstick``), and the broker consumer's stop."""
        self._app.sensors.add(OffsetSensor(self.positions))
        self._app.timer(interval=self.unstick_every_s, name=f"{__name__}.unstick")(
            self._unstick_tick
        )
        # mode types signal receivers as sync functions; faust awaits this one.
        self._app.on_before_shutdown.connect(self._stop_broker_offsets)  # type: ignore[arg-type]

    async def _stop_broker_offsets(
        self, sender: Any, *args: Any, signal: Any, **kwargs: Any
    ) -> None:
        await self.broker.stop()

    async def _unstick_tick(self) -> None:
        try:
            await self.unstick()
        except Exception:  # the next tick tries again; a timer that raises would stop the worker
            log.exception("unstick check failed")

    async def unstick(self) -> list[Partition]:
        """Seek every held partition whose commit is stuck (progress.StuckCommits) back to its
        committed offset (the log start when none), and log what faust held about it; the
        partitions sought.

        Seen once in the scale-out test after a SIGKILL: the survivor held two partitions with
        ~1,470 records behind their committed offsets and faust delivered none of them for
        minutes. Seeking again only sends records round again: the agents pass over those
        already applied (gaps.py) and ack them, so the commit moves on.
        """
        if self._app.rebalancing:
            self.stuck.keep([])
            return []
        mine = self.held()
        self.stuck.keep(mine)
        ends = await self.end_offsets(mine)
        committed = committed_offsets(self._app)
        now = time.monotonic()
        stuck: list[tuple[Partition, int | None]] = []
        for p in mine:
            done = committed.get(TP(*p))
            at = self.positions.position(p, done)
            if p in ends and self.stuck.stuck(p, ends[p], done, at, now):
                stuck.append((p, done))
        sought: list[Partition] = []
        for (topic, partition), done in stuck:
            start = done
            if start is None:
                start = (await self.broker.ask("beginning_offsets", [(topic, partition)]))[
                    (topic, partition)
                ]
            if self._app.rebalancing or (topic, partition) not in self.held():
                break  # the assignment changes: it seeks to the committed offsets itself
            log.warning(
                "partition stuck: fetched again from its committed offset",
                extra={
                    "topic": topic,
                    "partition": partition,
                    "committed": done,
                    "end": ends[(topic, partition)],
                    "acknowledged": self.positions.position((topic, partition), None),
                    "faust": consumer_state(self._app, topic, partition),
                },
            )
            await seek(self._app, topic, partition, start)
            metrics.REFETCHES.labels(topic).inc()
            sought.append((topic, partition))
        return sought

    def held(self) -> list[Partition]:
        """The partitions of the events, vroegsignalen and ticks topics this worker processes."""
        return sorted(
            (tp.topic, tp.partition)
            for tp in self._app.assignor.assigned_actives()
            if tp.topic in self.sources
        )

    async def end_offsets(self, partitions: list[Partition]) -> dict[Partition, int]:
        """The end offsets now; the last known ones when the broker does not answer in time."""
        try:
            self._ends.update(await self.broker.ask("end_offsets", partitions))
        except Exception as exc:  # the broker away: lag and stalls go on from what is known
            log.warning("end offsets unavailable", extra={"error": repr(exc)})
        return {p: self._ends[p] for p in partitions if p in self._ends}

    async def positions_of(self, partitions: list[Partition]) -> dict[Partition, int]:
        """The worker's position per partition; the log start where it has none yet (left out
        while the broker cannot say)."""
        committed = committed_offsets(self._app)
        found = {p: self.positions.position(p, committed.get(TP(*p))) for p in partitions}
        unknown = [p for p, at in found.items() if at is None]
        try:
            starts = await self.broker.ask("beginning_offsets", unknown) if unknown else {}
        except Exception as exc:  # the broker away: those partitions have no position yet
            log.warning("log start offsets unavailable", extra={"error": repr(exc)})
            starts = {}
        return {
            p: at if at is not None else starts[p]
            for p, at in found.items()
            if p in starts or at is not None
        }

    async def refresh(self) -> None:
        """The lag and stall gauges of the partitions held now (services/kpi/stream/metrics.py)."""
        mine = self.held()
        ends = await self.end_offsets(mine)
        at = await self.positions_of(mine)
        now = time.monotonic()
        self.watch.keep(mine)
        known = [p for p in mine if p in ends and p in at]
        metrics.standings.standings = [self.watch.standing(p, ends[p], at[p], now) for p in known]


class ViewProgress:
    """The offsets as the view healer asks for them: per kind of view and partition number."""

    def __init__(self, offsets: WorkerOffsets, topics: Mapping[str, str]) -> None:
        self._offsets = offsets
        self._topics = topics

    async def ends(self, kind: str, partitions: set[int]) -> dict[int, int]:
        topic = self._topics[kind]
        found = await self._offsets.end_offsets([(topic, p) for p in sorted(partitions)])
        if len(found) < len(partitions):
            raise LookupError(f"end offsets of {topic} unknown (the broker does not answer)")
        return {p: found[(topic, p)] for p in partitions}

    async def reached(self, kind: str, targets: Mapping[int, int]) -> set[int]:
        topic = self._topics[kind]
        at = await self._offsets.positions_of([(topic, p) for p in sorted(targets)])
        return {p for p, target in targets.items() if at.get((topic, p), -1) >= target}
