"""Where the worker is on the partitions it holds: read from faust and its consumer.

A faust sensor sees every record the agents acknowledge (``on_message_out``) and counts it;
the group's committed offsets come through faust_seam.py; end offsets (and the log start, for
a partition with neither) are asked of the broker, with a group-less consumer of this module's
own (faust's consumer answers such questions only between two fetches, a second or more
later), when someone needs them: Prometheus
(``refresh``, services/kpi/probes.py) and the view healer (``view_progress``: a rebuilt view
is marked complete once its partition has caught up with what the topic held when the loss
was noticed; services/kpi/view/healer.py). Registered by importing this module.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from faust.sensors import Sensor
from faust.types import TP

from services.kpi.app import app, settings
from services.kpi.stream import metrics
from services.kpi.stream.faust_seam import committed_offsets
from services.kpi.stream.progress import Partition, Positions, StallWatch
from services.kpi.topics import events_topic, ticks_topic
from services.kpi.vroegsignalen.agent import vroegsignalen_topic
from shared.contract.view_keys import EVENTS, VROEGSIGNALEN
from shared.platform.kafka_io import make_consumer

log = logging.getLogger("wijkpuls.kpi.offsets")

ASK_S = 3.0
"""How long one question to the broker may take (a scrape, a view check) before the last
known answer is used."""
SOURCES = {t.get_topic_name() for t in (events_topic, vroegsignalen_topic, ticks_topic)}


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

    def __init__(self) -> None:
        self._consumer: AIOKafkaConsumer | None = None

    async def ask(self, question: str, partitions: Iterable[Partition]) -> dict[Partition, int]:
        """``question``: ``end_offsets`` or ``beginning_offsets`` of aiokafka's consumer."""
        tps = [TopicPartition(topic, partition) for topic, partition in partitions]
        if not tps:
            return {}
        if self._consumer is None:
            consumer = make_consumer(settings.kafka, group_id=None, enable_auto_commit=False)
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


broker = BrokerOffsets()
positions = Positions()
watch = StallWatch(settings.kpi.stall_after_s)
app.sensors.add(OffsetSensor(positions))
_ends: dict[Partition, int] = {}  # the last end offsets the broker gave


def held() -> list[Partition]:
    """The partitions of the events, vroegsignalen and ticks topics this worker processes."""
    return sorted(
        (tp.topic, tp.partition) for tp in app.assignor.assigned_actives() if tp.topic in SOURCES
    )


@app.on_before_shutdown.connect  # type: ignore[arg-type]  # mode types receivers as sync
async def _stop_broker_offsets(sender: Any, *args: Any, signal: Any, **kwargs: Any) -> None:
    await broker.stop()


async def end_offsets(partitions: list[Partition]) -> dict[Partition, int]:
    """The end offsets now; the last known ones when the broker does not answer in time."""
    try:
        _ends.update(await broker.ask("end_offsets", partitions))
    except Exception as exc:  # the broker away: lag and stalls go on from what is known
        log.warning("end offsets unavailable", extra={"error": repr(exc)})
    return {p: _ends[p] for p in partitions if p in _ends}


async def positions_of(partitions: list[Partition]) -> dict[Partition, int]:
    """The worker's position per partition; the log start where it has none yet (left out
    while the broker cannot say)."""
    committed = committed_offsets(app)
    found = {p: positions.position(p, committed.get(TP(*p))) for p in partitions}
    unknown = [p for p, at in found.items() if at is None]
    try:
        starts = await broker.ask("beginning_offsets", unknown) if unknown else {}
    except Exception as exc:  # the broker away: those partitions have no position yet
        log.warning("log start offsets unavailable", extra={"error": repr(exc)})
        starts = {}
    return {
        p: at if at is not None else starts[p]
        for p, at in found.items()
        if p in starts or at is not None
    }


async def refresh() -> None:
    """The lag and stall gauges of the partitions held now (services/kpi/stream/metrics.py)."""
    mine = held()
    ends = await end_offsets(mine)
    at = await positions_of(mine)
    now = time.monotonic()
    watch.keep(mine)
    known = [p for p in mine if p in ends and p in at]
    metrics.standings.standings = [watch.standing(p, ends[p], at[p], now) for p in known]


class ViewProgress:
    """The offsets as the view healer asks for them: per kind of view and partition number."""

    def __init__(self, topics: Mapping[str, str]) -> None:
        self._topics = topics

    async def ends(self, kind: str, partitions: set[int]) -> dict[int, int]:
        topic = self._topics[kind]
        found = await end_offsets([(topic, p) for p in sorted(partitions)])
        if len(found) < len(partitions):
            raise LookupError(f"end offsets of {topic} unknown (the broker does not answer)")
        return {p: found[(topic, p)] for p in partitions}

    async def reached(self, kind: str, targets: Mapping[int, int]) -> set[int]:
        topic = self._topics[kind]
        at = await positions_of([(topic, p) for p in sorted(targets)])
        return {p for p, target in targets.items() if at.get((topic, p), -1) >= target}


view_progress = ViewProgress(
    {EVENTS: events_topic.get_topic_name(), VROEGSIGNALEN: vroegsignalen_topic.get_topic_name()}
)
