"""Every read of the vault or the werklijst is written down: who, role, what, when
(docs/domain.md#privacy).

The entry names the action and its target (a wijk, a case id), never personal data, so the
privacy officer can read the log without reading the vault.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select

from services.signals.vault.schema import access_log
from services.signals.vault.vault_context import SignalsCore
from shared.platform.api_rules import Page, SortKey, invalid_cursor

CURSOR_SHAPE = (str, int)


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
    after: SortKey | None = None,
) -> Page[dict[str, Any]]:
    """Newest first, keyset-paged on (at, id): ``after`` is the key of the last entry served."""
    conditions = []
    if who:
        conditions.append(access_log.c.who == who)
    if since:
        conditions.append(access_log.c.at >= since)
    if until:
        conditions.append(access_log.c.at < until)
    query = select(access_log).where(*conditions)
    if after is not None:
        at, entry_id = _parsed(str(after[0])), int(after[1])
        query = query.where(
            or_(access_log.c.at < at, and_(access_log.c.at == at, access_log.c.id < entry_id))
        )
    query = query.order_by(access_log.c.at.desc(), access_log.c.id.desc()).limit(limit + 1)
    counted = select(func.count()).select_from(access_log).where(*conditions)
    with core.engine.connect() as conn:
        total = int(conn.execute(counted).scalar_one())
        found = list(conn.execute(query).mappings())
    entries = [
        {**{k: v for k, v in entry.items() if k != "at"}, "at": _utc(entry["at"]).isoformat()}
        for entry in found[:limit]
    ]
    last = found[limit - 1] if len(found) > limit else None
    next_key = None if last is None else (_stored(last["at"]), int(last["id"]))
    return Page(entries, total, next_key)


def _parsed(at: str) -> datetime:
    try:
        return _utc(datetime.fromisoformat(at)).astimezone(UTC)
    except ValueError:
        raise invalid_cursor() from None


def _stored(moment: datetime) -> str:
    """The stored ``at`` exactly (microseconds included), as the cursor carries it."""
    return _utc(moment).isoformat()


def _utc(moment: datetime) -> datetime:
    # SQLite returns naive datetimes for what was stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
