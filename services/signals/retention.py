"""``python -m services.signals.retention [--today 2027-01-01]``: delete what passed retention.

Which zaken are due is the pure rule of shared/vroegsignaal_retention.py; this job reads the
dates from the vault and deletes, per due zaak and in one transaction, its contactpogingen,
its signals (with their encrypted identity) and the zaak itself, so the werklijst, the case
view, inzage and the DDAS export no longer know it. ``today`` is injected for the tests and
for a catch-up run; scheduled runs (a nightly CronJob) leave it to today in Amsterdam.

Kafka and the KPI figures are not touched here: docs/operations.md (Retention) has the
design for the pseudonymised events and the frozen aggregates, and what is still open.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, delete, func, select

from services.signals.core import SignalsCore, build_core
from services.signals.vault_schema import cases, contactpogingen, signals
from shared.logs import configure_logging
from shared.settings import get_settings
from shared.vroegsignaal_retention import ZaakDates, due_zaken, retired_households

log = logging.getLogger("wijkpuls.signals.retention")


@dataclass(frozen=True)
class RetentionRun:
    today: date
    zaken: list[str]  # vroegsignaalzaak ids deleted
    households: list[str]  # household pseudonyms with nothing left in the vault
    signals: int


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
        conn.execute(delete(cases).where(cases.c.id.in_(chunk)))
    return deleted


def apply_retention(core: SignalsCore, today: date) -> RetentionRun:
    rules = core.domain.retention.vroegsignalering
    with core.engine.begin() as conn:
        zaken = vault_dates(conn)
        due = due_zaken(zaken, rules, today)
        ids = [z.vroegsignaalzaak_id for z in due]
        count = delete_zaken(conn, ids)
    retired = sorted(retired_households(zaken, due))
    run = RetentionRun(today, ids, retired, count)
    # Counts only: the ids are pseudonymous, but a log line needs none of them.
    log.info(
        "retention applied",
        extra={"today": today.isoformat(), "zaken": len(ids), "signals": count,
               "households": len(retired)},
    )  # fmt: skip
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.signals.retention",
        description="Delete from the identity vault every vroegsignaalzaak past its retention "
        "(domain.yaml retention.vroegsignalering): identity, signals, contactpogingen, zaak.",
    )
    parser.add_argument("--today", type=date.fromisoformat, help="default: today (Amsterdam)")
    args = parser.parse_args(argv)
    configure_logging("INFO")
    today = args.today or datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    run = apply_retention(build_core(get_settings()), today)
    summary = {"today": today.isoformat(), "zaken": len(run.zaken), "signals": run.signals,
               "households": len(run.households)}  # fmt: skip
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
