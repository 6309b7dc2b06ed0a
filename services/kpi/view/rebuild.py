"""The worker's rebuild of a lost figures store, on a timer (healer.py says when).

Events partitions: every zaak of the partitions in the zaken table gets its figures,
termijnen, wachtend and historisch alerts written again (ZaakProcessor.rewrite), under the
worker's lock, so no batch of records runs in between; then the pushed alerts of those
zaken come back from the alerts topic (zaken/pushed_alerts.py; no lock needed: the feed
keeps the first version of a pushed alert whatever the order). Vroegsignalen partitions: every
entry of the vroegsignaalzaken table this worker holds (its entries carry no partition, so
all of them; writing an unchanged contribution again is a no-op). ``make_healer`` builds the
healer of a worker, ``register`` puts its check on the worker's app as a timer
(services/kpi/wiring.py).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from services.kpi.stream.offsets import ViewProgress
from services.kpi.view.healer import ViewHealer
from services.kpi.view.marks import ViewMarks
from services.kpi.zaken.pushed_alerts import pushed_alerts
from shared.contract.view_keys import EVENTS, VROEGSIGNALEN, ViewKeys

if TYPE_CHECKING:
    from services.kpi.wiring import Worker

log = logging.getLogger("wijkpuls.kpi.view")

CHUNK = 200
"""Zaken written per Redis pipeline: the event loop runs between chunks."""


def _partition(raw: Any) -> int | None:
    """The zaak's events partition, read without parsing its history (ZaakState.to_table)."""
    alerting = raw.get("alerting") if raw else None
    return alerting.get("partition") if alerting else None


async def rebuild_zaken(worker: Worker, partitions: set[int]) -> int | None:
    # The whole rebuild holds the lock: batches wait meanwhile (the figures are not served
    # until it ends anyway); chunked, so the event loop (heartbeats, Redis) runs in between.
    # Taking the lock per chunk let every chunk wait behind a batch of records: under a
    # backlog 2,040 zaken took 43.5 s instead of a few.
    staged_zaken, processor = worker.staged_zaken, worker.processor
    async with worker.lock:
        ids = [k for k, raw in staged_zaken.items() if _partition(raw) in partitions]
        now = await worker.today.current()
        for start in range(0, len(ids), CHUNK):
            if worker.app.rebalancing:
                return None
            for zaak_id in ids[start : start + CHUNK]:
                try:
                    await processor.rewrite(zaak_id, staged_zaken.get(zaak_id), now)
                except Exception:  # a bug on one zaak must not keep every figure away
                    log.exception("view rebuild of a zaak failed", extra={"zaak_id": zaak_id})
            failed = await worker.views.flush()
            for zaak_id, exc in failed.items():
                log.error(
                    "view rebuild of a zaak failed", extra={"zaak_id": zaak_id, "error": repr(exc)}
                )
            if failed:
                return None  # Redis refused a write: no marker, the next check tries again
    wanted = set(ids)
    alerts_topic = worker.topics.alerts.get_topic_name()
    async for alert in pushed_alerts(worker.settings.kafka, alerts_topic, wanted):
        await worker.publisher.restore_pushed(alert.alert_id, alert.event_type, alert.data, now)
    return len(ids)


async def rebuild_vroegsignalen(worker: Worker, _: set[int]) -> int | None:
    vroegsignalen = worker.vroegsignalen
    async with vroegsignalen.lock:
        entries = list(vroegsignalen.table.items())
        return await vroegsignalen.processor.rewrite(entries)


def _assigned(worker: Worker) -> dict[str, set[int]]:
    vroegsignalen_topic = worker.topics.vroegsignalen.get_topic_name()
    return {
        EVENTS: worker.assigned_partitions(),
        VROEGSIGNALEN: {
            tp.partition
            for tp in worker.app.assignor.assigned_actives()
            if tp.topic == vroegsignalen_topic
        },
    }


def make_healer(worker: Worker) -> ViewHealer:
    """The worker's view healer: its markers in Redis, its partitions, its rebuilds, and its
    offsets to say when a rebuilt partition has caught up."""
    progress = ViewProgress(
        worker.offsets,
        {
            EVENTS: worker.topics.events.get_topic_name(),
            VROEGSIGNALEN: worker.topics.vroegsignalen.get_topic_name(),
        },
    )

    async def zaken(partitions: set[int]) -> int | None:
        return await rebuild_zaken(worker, partitions)

    async def vroegsignalen(partitions: set[int]) -> int | None:
        return await rebuild_vroegsignalen(worker, partitions)

    return ViewHealer(
        ViewMarks(worker.redis, ViewKeys(worker.settings.kafka.topic_prefix)),
        lambda: _assigned(worker),
        lambda: bool(worker.app.rebalancing),
        {EVENTS: zaken, VROEGSIGNALEN: vroegsignalen},
        progress=progress,  # marked once caught up with the topic (healer.py)
    )


def register(worker: Worker) -> None:
    """The view check every ``WIJKPULS_KPI_VIEW_CHECK_S``."""

    async def view_check() -> None:
        try:
            await worker.healer.check()
        except Exception:  # Redis away: the next check tries again (and finds what it lost)
            log.warning("view check failed", exc_info=True)

    # Named as before (faust's timer logs): a closure's qualname would add register.<locals>.
    worker.app.timer(interval=worker.settings.kpi.view_check_s, name=f"{__name__}.view_check")(
        view_check
    )
