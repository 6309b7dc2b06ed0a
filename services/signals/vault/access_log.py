"""Every read of the vault or the werklijst is written down: who, role, what, when
(docs/domain.md#privacy).

The entry names the action and its target (a wijk, a case id) and the pseudonym the read
concerned, never a resident's personal data, so the privacy officer can read the log
without reading the vault. A signed-in person is named by the token's subject and name
claim (docs/signin.md): the log holds staff names, so it has its own retention
(``expire_access_log``, run by the retention job).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select

from services.signals.vault.schema import access_log
from services.signals.vault.vault_context import SignalsCore
from shared.platform.api_rules import Page, SortKey, invalid_cursor

CURSOR_SHAPE = (str, int)


def record_access(
    core: SignalsCore,
    who: str,
    role: str,
    action: str,
    target: str,
    rows: int,
    *,
    sub: str | None = None,
    naam: str | None = None,
    route: str | None = None,
    pseudoniem: str | None = None,
) -> None:
    """``who`` is the API client's name or the person's subject; ``sub`` and ``naam`` are
    set for a signed-in person only."""
    values = {
        "at": datetime.now(UTC), "who": who[:64], "role": role, "action": action,
        "target": target[:128], "rows": rows, "sub": sub and sub[:128],
        "naam": naam and naam[:128], "route": route and route[:128],
        "pseudoniem": pseudoniem and pseudoniem[:64],
    }  # fmt: skip
    with core.engine.begin() as conn:
        conn.execute(insert(access_log).values(**values))


def query_access(
    core: SignalsCore,
    who: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 1000,
    after: SortKey | None = None,
    *,
    action: str | None = None,
    about: str | None = None,
) -> Page[dict[str, Any]]:
    """Newest first, keyset-paged on (at, id): ``after`` is the key of the last entry served.
    ``who`` matches the client name or subject, or the person's name; ``about`` a pseudonym
    or a target (a zaak id) exactly."""
    conditions = []
    if who:
        conditions.append(or_(access_log.c.who == who, access_log.c.naam == who))
    if action:
        conditions.append(access_log.c.action == action)
    if about:
        conditions.append(or_(access_log.c.pseudoniem == about, access_log.c.target == about))
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


def expire_access_log(core: SignalsCore, now: datetime, days: int) -> int:
    """Deletes the entries older than ``days`` before ``now``; returns how many."""
    with core.engine.begin() as conn:
        done = conn.execute(delete(access_log).where(access_log.c.at < now - timedelta(days=days)))
    return int(done.rowcount)


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
