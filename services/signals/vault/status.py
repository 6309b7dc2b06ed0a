"""What the privacy officer's desk shows of retention and key rotation: counts and dates
only, never a resident's data (docs/privacy.md).

- retention: how many zaken are due today and in the next 30 days under the domain rules
  (shared/core/vroegsignaal_retention.py), the access log's oldest entry and how many entries
  are past its retention, and what each retention run deleted when (``retention_runs``);
- key rotation: the pseudonym key version in use, and the rows per key version (rows on an
  older version wait for ``python -m services.signals.vault.rotation``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from services.signals.vault.retention import vault_dates
from services.signals.vault.schema import access_log, cases, retention_runs, signals
from services.signals.vault.vault_context import SignalsCore
from shared.core.vroegsignaal_retention import delete_on

SOON_DAYS = 30


def retention_status(core: SignalsCore, today: date, access_log_days: int) -> dict[str, Any]:
    rules = core.domain.retention.vroegsignalering
    log_limit = datetime.combine(today, time(0), UTC) - timedelta(days=access_log_days)
    with core.engine.connect() as conn:
        deadlines = [delete_on(z, rules) for z in vault_dates(conn)]
        oldest = conn.execute(select(func.min(access_log.c.at))).scalar_one()
        past = conn.execute(
            select(func.count()).select_from(access_log).where(access_log.c.at < log_limit)
        ).scalar_one()
        runs = conn.execute(
            select(retention_runs).order_by(retention_runs.c.at.desc()).limit(10)
        ).mappings()
        done = [
            {"at": _moment(r["at"]), "peildatum": r["today"].isoformat(),
             "zaken": r["zaken"], "signalen": r["signals"], "toegangslog": r["access_log"]}
            for r in runs
        ]  # fmt: skip
    soon = today + timedelta(days=SOON_DAYS)
    return {
        "peildatum": today.isoformat(),
        "zaken_in_kluis": len(deadlines),
        "zaken_nu_te_verwijderen": sum(1 for d in deadlines if d <= today),
        "zaken_binnen_30_dagen": sum(1 for d in deadlines if today < d <= soon),
        "regels_maanden": {
            "nooit_opgepakt": rules.never_picked_up_months,
            "na_opgepakt": rules.after_opgepakt_months,
            "na_afgesloten": rules.after_closed_months,
        },
        "toegangslog_bewaardagen": access_log_days,
        "toegangslog_oudste": _moment(oldest),
        "toegangslog_te_verwijderen": int(past),
        "runs": done,
    }


def rotation_status(core: SignalsCore) -> dict[str, Any]:
    current = core.pseudonymiser.key_version
    with core.engine.connect() as conn:
        per_signal = conn.execute(
            select(signals.c.key_version, func.count()).group_by(signals.c.key_version)
        ).all()
        per_case = conn.execute(
            select(cases.c.key_version, func.count()).group_by(cases.c.key_version)
        ).all()
    signal_counts = {str(v): int(n) for v, n in per_signal}
    case_counts = {str(v): int(n) for v, n in per_case}
    behind = sum(n for v, n in signal_counts.items() if v != current)
    return {
        "sleutelversie": current,
        "signalen_per_versie": dict(sorted(signal_counts.items())),
        "zaken_per_versie": dict(sorted(case_counts.items())),
        "signalen_op_oudere_versie": behind,
        "bijgewerkt": behind == 0,
    }


def _moment(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    # SQLite returns naive datetimes for what was stored in UTC.
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.isoformat(timespec="seconds")
