"""The alert clock: every tick it moves caught-up partitions to today and wakes due zaken.

A partition counts as caught up when this worker has processed (or the group had committed)
every record up to its end offset. Only then does its clock jump to today: a partition that
is still replaying a backlog follows the records' own days (processor.py), so a replay does
not see a besluit that is still waiting in the backlog as missing.
"""

from __future__ import annotations

import logging
from typing import Any

from services.kpi.app import app
from services.kpi.settings import get_settings
from services.kpi.stream.faust_seam import committed_offsets
from services.kpi.stream.gaps import GAP_TICK
from services.kpi.topics import events_topic, ticks_topic
from services.kpi.wiring import (
    applied,
    assigned_partitions,
    lock,
    processed,
    schedule,
    skipped_reader,
    today,
)

log = logging.getLogger("wijkpuls.kpi.clock")


@app.timer(interval=get_settings().kpi.alert_tick_s)  # type: ignore[untyped-decorator]
async def alert_clock() -> None:
    try:
        await _tick()
    except Exception:  # the next tick tries again; a timer that raises would stop the worker
        log.exception("alert clock tick failed")


async def _tick() -> None:
    now = await today.refresh()
    if app.rebalancing:
        return
    tps = [
        tp for tp in app.assignor.assigned_actives() if tp.topic == events_topic.get_topic_name()
    ]
    if not tps:
        return
    ends = await app.consumer.highwaters(*tps)
    committed = committed_offsets(app)
    wake: list[int] = []
    gaps: dict[int, int] = {}
    async with lock:
        for tp in tps:
            group_done = committed.get(tp)
            if group_done and (applied.cached(tp.partition) or 0) < group_done:
                # The group committed records this worker never applied (faust skipped them,
                # or a takeover's restored mark lags): the tick agent reads and applies them.
                gaps[tp.partition] = group_done
            done = max(processed.get(tp.partition, 0), group_done or 0)
            if tp.partition not in gaps and done >= (ends.get(tp) or 0):
                schedule.advance(tp.partition, now)
            if schedule.should_tick(tp.partition):
                schedule.tick_sent(tp.partition)
                wake.append(tp.partition)
    for partition in wake:
        await ticks_topic.send(key=b"tick", value=b"", partition=partition)
    for partition, until in gaps.items():
        await ticks_topic.send(key=GAP_TICK, value=str(until).encode(), partition=partition)


@app.on_partitions_assigned.connect  # type: ignore[arg-type]  # mode types receivers as sync
async def _rebuild_schedule(sender: Any, *args: Any, signal: Any, **kwargs: Any) -> None:
    schedule.invalidate()
    applied.forget()  # another worker may have moved a partition on meanwhile
    log.debug("alert schedule invalidated", extra={"partitions": sorted(assigned_partitions())})


@app.on_before_shutdown.connect  # type: ignore[arg-type]  # mode types receivers as sync
async def _stop_reader(sender: Any, *args: Any, signal: Any, **kwargs: Any) -> None:
    await skipped_reader.stop()
