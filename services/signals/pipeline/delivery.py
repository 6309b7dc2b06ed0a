"""Loading one delivery end to end: stream rows in batches, store, publish, report.

The vault write of a batch commits before its events are sent; a signal is marked published
only after the broker acknowledged it. A load that stops in between leaves signals that are
stored but unpublished, and ``publish_pending`` (run before every load) sends them again
with their stable ids, so a crash costs a duplicate downstream, never a lost signal.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Protocol

from sqlalchemy import func, insert, select, update

from services.signals.pipeline import events
from services.signals.pipeline.loading import load_batch
from services.signals.pipeline.sources import DeliveryFileError, DeliveryFormat, Row
from services.signals.vault.event_households import events_huishouden
from services.signals.vault.schema import cases, deliveries, event_households, signals
from services.signals.vault.vault_context import SignalsCore
from shared.contract.events import CloudEvent
from shared.core.ddas import Signaalpartner

log = logging.getLogger("wijkpuls.signals")


class EventSink(Protocol):
    async def publish(self, events: Sequence[CloudEvent]) -> None: ...


def start_delivery(core: SignalsCore, client: str, fmt: DeliveryFormat) -> str:
    delivery_id = str(uuid.uuid4())
    with core.engine.begin() as conn:
        conn.execute(
            insert(deliveries).values(
                id=delivery_id, client=client, format=fmt.value, status="loading",
                received_at=datetime.now(UTC), rows=0, accepted=0, rejected=0, duplicates=0,
            )
        )  # fmt: skip
    return delivery_id


async def load_delivery(
    core: SignalsCore,
    sink: EventSink,
    delivery_id: str,
    rows: Iterator[Row],
    today: date,
    *,
    allowed: Collection[Signaalpartner] = (),
    labels: dict[str, str] | None = None,
    progress: Callable[[int], None] = lambda _: None,
) -> None:
    await publish_pending(core, sink)
    totals = {"rows": 0, "accepted": 0, "rejected": 0, "duplicates": 0}
    status, error = "loaded", None
    try:
        while True:
            batch = await asyncio.to_thread(
                load_batch, core, rows, delivery_id, today, allowed, labels or {}
            )
            if not batch.rows:
                break
            await sink.publish(batch.events)
            await asyncio.to_thread(_mark_published, core, batch.signal_ids)
            for key in totals:
                totals[key] += getattr(batch, key)
            progress(batch.rows)
    except DeliveryFileError as exc:
        status, error = "failed", str(exc)
    except Exception as exc:
        # Cut off (the database went away, the broker did not ack): never report such a
        # load as loaded. The batches committed before stay; the partner sends the file
        # again and those rows come back as duplicates. The database may still be away, so
        # recording this may fail too; mark_interrupted is tried again by the caller.
        try:
            _finish(core, delivery_id, "failed", interrupted(exc), totals)
        except Exception:
            log.warning("delivery status not recorded", extra={"delivery_id": delivery_id})
        raise
    _finish(core, delivery_id, status, error, totals)
    log.info("delivery loaded", extra={"delivery_id": delivery_id, "status": status, **totals})


def interrupted(exc: BaseException) -> str:
    """The report's error of a load that was cut off (at most the column's 200 characters)."""
    return (
        f"load interrupted ({type(exc).__name__}); the rows counted here are stored: send "
        "the delivery again, they are reported as duplicates"
    )


def _finish(
    core: SignalsCore, delivery_id: str, status: str, error: str | None, totals: dict[str, int]
) -> None:
    with core.engine.begin() as conn:
        conn.execute(
            update(deliveries)
            .where(deliveries.c.id == delivery_id)
            .values(status=status, error=error, finished_at=datetime.now(UTC), **totals)
        )


def mark_interrupted(core: SignalsCore, delivery_id: str, reason: str) -> None:
    """Record a load that was cut off while the database was away, once it answers again:
    ``failed`` with the reason and the rows it had stored as accepted. Only a delivery still
    ``loading`` is changed."""
    with core.engine.begin() as conn:
        stored = (
            select(func.count())
            .select_from(signals)
            .where(signals.c.delivery_id == delivery_id)
            .scalar_subquery()
        )
        conn.execute(
            update(deliveries)
            .where(deliveries.c.id == delivery_id, deliveries.c.status == "loading")
            .values(status="failed", error=reason, finished_at=datetime.now(UTC),
                    accepted=stored, rows=stored)
        )  # fmt: skip


def _mark_published(core: SignalsCore, ids: list[int]) -> None:
    if ids:
        with core.engine.begin() as conn:
            conn.execute(update(signals).where(signals.c.id.in_(ids)).values(published=True))


async def publish_pending(core: SignalsCore, sink: EventSink) -> int:
    """Send again what a stopped load stored but could not confirm as published."""

    def pending() -> list[tuple[int, CloudEvent]]:
        query = (
            select(signals, events_huishouden().label("events_huishouden"))
            .join(cases, cases.c.id == signals.c.case_id)
            .outerjoin(event_households, event_households.c.case_id == signals.c.case_id)
            .where(signals.c.published.is_(False))
        )
        with core.engine.connect() as conn:
            found = conn.execute(query).mappings().all()
        return [
            (r["id"], events.ontvangen(core.source, r["event_id"],
                                       {**r, "huishouden": r["events_huishouden"]}))
            for r in found
        ]  # fmt: skip

    found = await asyncio.to_thread(pending)
    if found:
        await sink.publish([event for _, event in found])
        await asyncio.to_thread(_mark_published, core, [i for i, _ in found])
        log.info("unpublished signals sent again", extra={"count": len(found)})
    return len(found)
