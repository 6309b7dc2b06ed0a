"""The alert clock: every tick it moves caught-up partitions to today and wakes due zaken.

A partition counts as caught up when this worker has processed (or the group had committed)
every record up to its end offset. Only then does its clock jump to today: a partition that
is still replaying a backlog follows the records' own days (processor.py), so a replay does
not see a besluit that is still waiting in the backlog as missing. ``register`` puts the
timer and its rebalance and shutdown hooks on a worker's app (services/kpi/wiring.py).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from services.kpi.stream.faust_seam import committed_offsets
from services.kpi.stream.gaps import GAP_TICK

if TYPE_CHECKING:
    from services.kpi.wiring import Worker

log = logging.getLogger("wijkpuls.kpi.clock")


def register(worker: Worker) -> None:
    """The alert clock every ``WIJKPULS_KPI_ALERT_TICK_S``; on each assignment the schedule
    and the applied-offset cache are forgotten; at shutdown the skipped-records reader and
    the changelog writer stop."""
    app = worker.app

    async def alert_clock() -> None:
        try:
            await _tick(worker)
        except Exception:  # the next tick tries again; a timer that raises would stop the worker
            log.exception("alert clock tick failed")

    async def _rebuild_schedule(sender: Any, *args: Any, signal: Any, **kwargs: Any) -> None:
        worker.schedule.invalidate()
        worker.applied.forget()  # another worker may have moved a partition on meanwhile
        log.debug(
            "alert schedule invalidated",
            extra={"partitions": sorted(worker.assigned_partitions())},
        )

    async def _stop_clients(sender: Any, *args: Any, signal: Any, **kwargs: Any) -> None:
        await worker.skipped_reader.stop()
        await worker.batch.stop()

    # Named as before (faust's timer logs): a closure's qualname would add register.<locals>.
    app.timer(interval=worker.settings.kpi.alert_tick_s, name=f"{__name__}.alert_clock")(
        alert_clock
    )
    # mode types signal receivers as sync functions; faust awaits these.
    app.on_partitions_assigned.connect(_rebuild_schedule)  # type: ignore[arg-type]
    app.on_before_shutdown.connect(_stop_clients)  # type: ignore[arg-type]


async def _tick(worker: Worker) -> None:
    app, schedule, ticks_topic = worker.app, worker.schedule, worker.topics.ticks
    now = await worker.today.refresh()
    if app.rebalancing:
        return
    events_topic = worker.topics.events.get_topic_name()
    tps = [tp for tp in app.assignor.assigned_actives() if tp.topic == events_topic]
    if not tps:
        return
    ends = await app.consumer.highwaters(*tps)
    committed = committed_offsets(app)
    wake: list[int] = []
    gaps: dict[int, int] = {}
    async with worker.lock:
        for tp in tps:
            group_done = committed.get(tp)
            if group_done and (worker.applied.cached(tp.partition) or 0) < group_done:
                # The group committed records this worker never applied (faust skipped them,
                # or a takeover's restored mark lags): the tick agent reads and applies them.
                gaps[tp.partition] = group_done
            done = max(worker.processed.get(tp.partition, 0), group_done or 0)
            if tp.partition not in gaps and done >= (ends.get(tp) or 0):
                schedule.advance(tp.partition, now)
            if schedule.should_tick(tp.partition):
                schedule.tick_sent(tp.partition)
                wake.append(tp.partition)
    for partition in wake:
        await ticks_topic.send(key=b"tick", value=b"", partition=partition)
    for partition, until in gaps.items():
        await ticks_topic.send(key=GAP_TICK, value=str(until).encode(), partition=partition)
