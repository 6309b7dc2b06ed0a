"""Reconciliation: what no notification told, read from the Zaken API itself.

Each run lists the zaken of every configured zaaktype registered in the last
``reconcile_window_days`` (new zaken whose notification never came), then re-reads every zaak
the adapter still holds open that the list did not contain (an opschorting, besluit or
einddatum whose notification never came). Facts already published have the same ids and are
skipped, so a run after a quiet period publishes nothing. With several intake processes a
Redis lock lets one of them run per interval.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aiokafka.errors import KafkaError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from services.intake.zgw.client import ZgwError
from services.intake.zgw.moves import local_date
from services.intake.zgw.sync import Outcome, ZaakSync

log = logging.getLogger("wijkpuls.intake.zgw")


@dataclass
class Report:
    listed: int = 0
    reread: int = 0
    published: int = 0
    failed: int = 0


async def reconcile_once(zaken: ZaakSync, now: datetime | None = None) -> Report:
    now = now or datetime.now(UTC)
    report, seen = Report(), set()
    since = local_date(now) - timedelta(days=zaken.settings.reconcile_window_days)
    for zaaktype in zaken.domain.zgw.zaaktypen:
        query = {"zaaktype": zaaktype.url, "registratiedatum__gt": since.isoformat()}
        async for item in zaken.client.pages(f"{zaken.zaken_root}/zaken", query):
            url = item.get("url") if isinstance(item, dict) else None
            if isinstance(url, str) and url not in seen:
                seen.add(url)
                report.listed += 1
                await _sync(zaken, url, now, report, item)
    for url in sorted(await zaken.store.open_zaken() - seen):
        report.reread += 1
        await _sync(zaken, url, now, report)
    log.info("zgw reconciliation done", extra=vars(report))
    return report


async def _sync(
    zaken: ZaakSync, url: str, now: datetime, report: Report, item: dict[str, object] | None = None
) -> None:
    """One zaak; a failure is counted and logged and does not stop the run."""
    try:
        outcome, published = await zaken.sync(url, now, item)
    except (ZgwError, KafkaError, RedisError, TimeoutError) as exc:
        report.failed += 1
        log.warning("zgw reconciliation of a zaak failed", extra={"zaak": url, "why": str(exc)})
        return
    if outcome is Outcome.NOT_FOUND:  # deleted: it is no longer ours to hold open
        await zaken.store.forget(url)
    report.published += published


async def run_periodically(zaken: ZaakSync, redis: Redis, lock_key: str) -> None:
    interval = zaken.settings.reconcile_interval_s
    while True:
        await asyncio.sleep(interval)
        try:
            if await redis.set(lock_key, "1", nx=True, ex=max(1, int(interval * 0.9))):
                await reconcile_once(zaken)
        except (ZgwError, KafkaError, RedisError, TimeoutError) as exc:
            log.warning("zgw reconciliation stopped early", extra={"why": str(exc)})
