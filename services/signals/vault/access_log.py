"""Every read of the vault or the werklijst is written down: who, role, what, when (BRIEF §1).

The entry names the action and its target (a wijk, a case id), never personal data, so the
privacy officer can read the log without reading the vault.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

from services.signals.vault.schema import access_log
from services.signals.vault.vault_context import SignalsCore


def record_access(
    core: SignalsCore, who: str, role: str, action: str, target: str, rows: int
) -> None:
    with core.engine.begin() as conn:
        conn.execute(
            insert(access_log).values(
                at=datetime.now(UTC), who=who, role=role, action=action, target=target, rows=rows
            )
        )


def query_access(
    core: SignalsCore,
    who: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 1000,
) -> list[dict[str, Any]]:
    query = select(access_log).order_by(access_log.c.at.desc(), access_log.c.id.desc())
    if who:
        query = query.where(access_log.c.who == who)
    if since:
        query = query.where(access_log.c.at >= since)
    if until:
        query = query.where(access_log.c.at < until)
    with core.engine.connect() as conn:
        found = conn.execute(query.limit(limit)).mappings()
        return [
            {**{k: v for k, v in entry.items() if k != "at"}, "at": _utc(entry["at"]).isoformat()}
            for entry in found
        ]


def _utc(moment: datetime) -> datetime:
    # SQLite returns naive datetimes for what was stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
