"""Which household pseudonym a zaak's events carry (docs/operations.md, Key rotation).

A zaak's events keep the household pseudonym of its first event for the zaak's whole life,
also after the pseudonym key rotated: the KPI worker's table entry for the zaak is keyed by
that pseudonym and its records sit in that household's partition, so new signals and
contactpogingen of an open zaak land in the same entry and its figures carry on. Grouping
(which zaak a new signal joins) uses ``cases.huishouden``, on the current key.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, func, insert, select

from services.signals.vault.schema import cases, event_households


def events_huishouden() -> ColumnElement[str]:
    """For a query joined to ``event_households`` (outer) and ``cases``."""
    return func.coalesce(event_households.c.huishouden, cases.c.huishouden)


def event_household(conn: Connection, case_id: str) -> str | None:
    """None for an unknown zaak."""
    query = (
        select(events_huishouden())
        .select_from(cases)
        .outerjoin(event_households, event_households.c.case_id == cases.c.id)
        .where(cases.c.id == case_id)
    )
    found = conn.execute(query).scalar()
    return None if found is None else str(found)


def keep_event_households(conn: Connection, case_ids: list[str]) -> None:
    """Before a rotation changes ``cases.huishouden``: pin what the zaken's events carry."""
    for start in range(0, len(case_ids), 500):  # bounded IN lists
        _keep(conn, case_ids[start : start + 500])


def _keep(conn: Connection, case_ids: list[str]) -> None:
    pinned = set(
        conn.execute(
            select(event_households.c.case_id).where(event_households.c.case_id.in_(case_ids))
        ).scalars()
    )
    rows = conn.execute(
        select(cases.c.id, cases.c.huishouden).where(cases.c.id.in_(case_ids))
    ).all()
    fresh = [{"case_id": r.id, "huishouden": r.huishouden} for r in rows if r.id not in pinned]
    if fresh:
        conn.execute(insert(event_households), fresh)
