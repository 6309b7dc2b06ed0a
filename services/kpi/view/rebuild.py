"""The worker's rebuild of a lost figures store, on a timer (healer.py says when).

Events partitions: every zaak of the partitions in the zaken table gets its figures,
termijnen, wachtend and historisch alerts written again (ZaakProcessor.rewrite), under the
worker's lock, so no batch of records runs in between; then the pushed alerts of those
zaken come back from the alerts topic (zaken/pushed_alerts.py; no lock needed: the feed
keeps the first version of a pushed alert whatever the order). Vroegsignalen partitions: every
entry of the vroegsignaalzaken table this worker holds (its entries carry no partition, so
all of them; writing an unchanged contribution again is a no-op). Registered by importing
this module (services/kpi/__main__.py).
"""

from __future__ import annotations

import logging
from typing import Any

from services.kpi.app import app, settings
from services.kpi.stream.offsets import view_progress
from services.kpi.topics import alerts_topic
from services.kpi.view.healer import ViewHealer
from services.kpi.view.marks import ViewMarks
from services.kpi.vroegsignalen import agent as vroegsignalen
from services.kpi.wiring import (
    assigned_partitions,
    lock,
    processor,
    publisher,
    redis,
    staged_zaken,
    today,
    views,
)
from services.kpi.zaken.pushed_alerts import pushed_alerts
from shared.contract.view_keys import EVENTS, VROEGSIGNALEN, ViewKeys

log = logging.getLogger("wijkpuls.kpi.view")

CHUNK = 200
"""Zaken written per Redis pipeline: the event loop runs between chunks."""


def _partition(raw: Any) -> int | None:
    """The zaak's events partition, read without parsing its history (ZaakState.to_table)."""
    alerting = raw.get("alerting") if raw else None
    return alerting.get("partition") if alerting else None


async def rebuild_zaken(partitions: set[int]) -> int | None:
    # The whole rebuild holds the lock: batches wait meanwhile (the figures are not served
    # until it ends anyway); chunked, so the event loop (heartbeats, Redis) runs in between.
    # Taking the lock per chunk let every chunk wait behind a batch of records: under a
    # backlog 2,040 zaken took 43.5 s instead of a few.
    async with lock:
        ids = [k for k, raw in staged_zaken.items() if _partition(raw) in partitions]
        now = await today.current()
        for start in range(0, len(ids), CHUNK):
            if app.rebalancing:
                return None
            for zaak_id in ids[start : start + CHUNK]:
                try:
                    await processor.rewrite(zaak_id, staged_zaken.get(zaak_id), now)
                except Exception:  # a bug on one zaak must not keep every figure away
                    log.exception("view rebuild of a zaak failed", extra={"zaak_id": zaak_id})
            failed = await views.flush()
            for zaak_id, exc in failed.items():
                log.error(
                    "view rebuild of a zaak failed", extra={"zaak_id": zaak_id, "error": repr(exc)}
                )
            if failed:
                return None  # Redis refused a write: no marker, the next check tries again
    wanted = set(ids)
    async for alert in pushed_alerts(settings.kafka, alerts_topic.get_topic_name(), wanted):
        await publisher.restore_pushed(alert.alert_id, alert.event_type, alert.data, now)
    return len(ids)


async def rebuild_vroegsignalen(_: set[int]) -> int | None:
    async with vroegsignalen.lock:
        entries = list(vroegsignalen.vroegsignaalzaken.items())
        return await vroegsignalen.processor.rewrite(entries)


def _assigned() -> dict[str, set[int]]:
    vroegsignalen_topic = vroegsignalen.vroegsignalen_topic.get_topic_name()
    return {
        EVENTS: assigned_partitions(),
        VROEGSIGNALEN: {
            tp.partition
            for tp in app.assignor.assigned_actives()
            if tp.topic == vroegsignalen_topic
        },
    }


healer = ViewHealer(
    ViewMarks(redis, ViewKeys(settings.kafka.topic_prefix)),
    _assigned,
    lambda: bool(app.rebalancing),
    {EVENTS: rebuild_zaken, VROEGSIGNALEN: rebuild_vroegsignalen},
    progress=view_progress,  # marked once caught up with the topic (healer.py)
)


@app.timer(interval=settings.kpi.view_check_s)  # type: ignore[untyped-decorator]
async def view_check() -> None:
    try:
        await healer.check()
    except Exception:  # Redis away: the next check tries again (and finds what it lost)
        log.warning("view check failed", exc_info=True)
