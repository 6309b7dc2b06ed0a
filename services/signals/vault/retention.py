"""``python -m services.signals.vault.retention [--today 2027-01-01]``: delete what passed
retention.

Which zaken are due is the pure rule of shared/core/vroegsignaal_retention.py. Per run, in this
order, each step acknowledged before the next:

1. freeze: the final contribution of every due zaak goes to the vroegsignalen topic as a
   frozen record (shared/contract/vroegsignaal_records.py), so no published figure moves, also not
   after a replay;
2. tombstones for every record the due zaken published, so compaction removes the
   pseudonymised events and the KPI worker drops the zaken's household state;
3. the vault delete, in one transaction: contactpogingen, signals (with their encrypted
   identity), the zaak, so the werklijst, inzage and the DDAS export no longer know it;
4. the access log's entries older than ``WIJKPULS_SIGNALS_ACCESS_LOG_RETENTION_DAYS`` (the
   log names staff), and a record of the run in ``retention_runs`` (what was deleted when,
   the privacy officer's retention status).

A run stopped anywhere is simply run again: the zaken are still due, the frozen records and
tombstones are the same records again. (The vault going first would lose the record keys.)
``today`` is injected for the tests and for a catch-up run; scheduled runs (a nightly
CronJob) leave it to today in Amsterdam. docs/operations.md has the design.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Protocol

from sqlalchemy import Connection, delete, func, insert, select

from services.signals.pipeline.publisher import RecordAddress
from services.signals.settings import get_settings
from services.signals.vault.access_log import expire_access_log
from services.signals.vault.retiring import RetiringZaak, retiring_zaak
from services.signals.vault.schema import (
    cases,
    contactpogingen,
    event_households,
    resultaat_events,
    retention_runs,
    signals,
)
from services.signals.vault.vault_context import SignalsCore
from services.signals.wiring import start_edge
from shared.contract.vroegsignaal_records import FrozenContribution
from shared.core.local_time import amsterdam_today
from shared.core.vroegsignaal_retention import ZaakDates, due_zaken, retired_households
from shared.platform.logs import configure_logging

log = logging.getLogger("wijkpuls.signals.retention")


@dataclass(frozen=True)
class RetentionRun:
    today: date
    zaken: list[str]  # vroegsignaalzaak ids deleted
    households: list[str]  # household pseudonyms with nothing left in the vault
    signals: int
    records: int  # tombstoned on the vroegsignalen topic
    access_log: int = 0  # access log entries past their retention, deleted


class RetentionSink(Protocol):
    async def freeze(self, frozen: Sequence[tuple[str, FrozenContribution]]) -> None: ...

    async def tombstone(self, addresses: Sequence[RecordAddress]) -> None: ...


def vault_dates(conn: Connection) -> list[ZaakDates]:
    last = (
        select(signals.c.case_id, func.max(signals.c.signaaldatum).label("laatste"))
        .group_by(signals.c.case_id)
        .subquery()
    )
    query = select(
        cases.c.id, cases.c.huishouden, last.c.laatste, cases.c.datum_opgepakt,
        cases.c.resultaat_datum,
    ).join(last, last.c.case_id == cases.c.id)  # fmt: skip
    return [ZaakDates(*row) for row in conn.execute(query)]


def delete_zaken(conn: Connection, case_ids: list[str]) -> int:
    """Deletes the zaken with everything that hangs on them; returns the signals deleted."""
    deleted = 0
    for start in range(0, len(case_ids), 500):  # bounded IN lists
        chunk = case_ids[start : start + 500]
        conn.execute(delete(contactpogingen).where(contactpogingen.c.case_id.in_(chunk)))
        deleted += conn.execute(delete(signals).where(signals.c.case_id.in_(chunk))).rowcount
        conn.execute(delete(resultaat_events).where(resultaat_events.c.case_id.in_(chunk)))
        conn.execute(delete(event_households).where(event_households.c.case_id.in_(chunk)))
        conn.execute(delete(cases).where(cases.c.id.in_(chunk)))
    return deleted


def _plan(core: SignalsCore, today: date) -> tuple[list[str], list[str], list[RetiringZaak]]:
    """The due zaak ids, the households retired with them, and what to write per zaak."""
    with core.engine.connect() as conn:
        zaken = vault_dates(conn)
        due = due_zaken(zaken, core.domain.retention.vroegsignalering, today)
        ids = [z.vroegsignaalzaak_id for z in due]
        found = (retiring_zaak(conn, core.source, i) for i in ids)
        retiring = [r for r in found if r is not None]
    return ids, sorted(retired_households(zaken, due)), retiring


async def apply_retention(
    core: SignalsCore, sink: RetentionSink, today: date, access_log_days: int | None = None
) -> RetentionRun:
    """``access_log_days``: also delete access log entries older than this many days before
    ``today`` (None: leave the log alone)."""
    ids, retired, retiring = await asyncio.to_thread(_plan, core, today)
    await sink.freeze([(r.huishouden, r.frozen) for r in retiring])
    records = [a for r in retiring for a in r.records]
    await sink.tombstone(records)

    def vault_delete() -> int:
        with core.engine.begin() as conn:
            return delete_zaken(conn, ids)

    count = await asyncio.to_thread(vault_delete)
    start_of_today = datetime.combine(today, time(0), UTC)
    expired = 0
    if access_log_days is not None:
        expired = await asyncio.to_thread(expire_access_log, core, start_of_today, access_log_days)
    run = RetentionRun(today, ids, retired, count, len(records), expired)
    await asyncio.to_thread(_record_run, core, run)
    # Counts only: the ids are pseudonymous, but a log line needs none of them.
    log.info(
        "retention applied",
        extra={"today": today.isoformat(), "zaken": len(ids), "signals": count,
               "households": len(retired), "records": len(records), "access_log": expired},
    )  # fmt: skip
    return run


def _record_run(core: SignalsCore, run: RetentionRun) -> None:
    with core.engine.begin() as conn:
        conn.execute(
            insert(retention_runs).values(
                at=datetime.now(UTC), today=run.today, zaken=len(run.zaken),
                signals=run.signals, access_log=run.access_log,
            )
        )  # fmt: skip


async def _run(today: date) -> RetentionRun:
    settings = get_settings()
    edge = await start_edge(settings, client_id="wijkpuls-signals-retention")
    try:
        days = settings.signals.access_log_retention_days
        return await apply_retention(edge.core, edge.publisher, today, days)
    finally:
        await edge.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.signals.vault.retention",
        description="Retire every vroegsignaalzaak past its retention (domain.yaml "
        "retention.vroegsignalering): freeze its figures and tombstone its events in Kafka, "
        "then delete identity, signals, contactpogingen and the zaak from the vault; delete "
        "access log entries past WIJKPULS_SIGNALS_ACCESS_LOG_RETENTION_DAYS.",
    )
    parser.add_argument("--today", type=date.fromisoformat, help="default: today (Amsterdam)")
    args = parser.parse_args(argv)
    configure_logging("INFO")
    today = args.today or amsterdam_today()
    run = asyncio.run(_run(today))
    summary = {"today": today.isoformat(), "zaken": len(run.zaken), "signals": run.signals,
               "households": len(run.households), "records": run.records,
               "access_log": run.access_log}  # fmt: skip
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
