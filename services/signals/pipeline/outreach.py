"""Recording contactpogingen and the resultaat of a vroegsignaalzaak, and their events.

The vault row is written first and removed again when the broker does not confirm the
event, so the vault (which the DDAS export reads) and the topic (which the KPIs read) agree.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import Connection, delete, func, insert, select, update

from services.signals.pipeline import events
from services.signals.vault.event_households import event_household
from services.signals.vault.schema import cases, contactpogingen, resultaat_events
from services.signals.vault.vault_context import SignalsCore
from shared.contract.events import CloudEvent


class UnknownCase(LookupError):
    pass


def _huishouden(core: SignalsCore, case_id: str) -> str:
    """The household the zaak's events carry (event_households.py says why not always
    ``cases.huishouden``)."""
    with core.engine.connect() as conn:
        found = event_household(conn, case_id)
    if found is None:
        raise UnknownCase(case_id)
    return found


def add_contactpoging(
    core: SignalsCore,
    case_id: str,
    datum: date,
    soort: str,
    dagdeel: str | None,
    bereikt: bool,
    who: str,
) -> tuple[int, CloudEvent]:
    huishouden = _huishouden(core, case_id)
    event_id = str(uuid.uuid4())
    event = events.contactpoging(
        core.source, event_id, case_id, huishouden, datum, soort, bereikt, dagdeel
    )
    with core.engine.begin() as conn:
        inserted = conn.execute(
            contactpogingen.insert().values(
                case_id=case_id, datum=datum, soort=soort, dagdeel=dagdeel, bereikt=bereikt,
                recorded_by=who, recorded_at=datetime.now(UTC), event_id=event_id,
            )
        ).inserted_primary_key  # fmt: skip
        _refresh_opgepakt(conn, case_id)
    assert inserted is not None
    return int(inserted[0]), event


def undo_contactpoging(core: SignalsCore, case_id: str, poging_id: int) -> None:
    with core.engine.begin() as conn:
        conn.execute(delete(contactpogingen).where(contactpogingen.c.id == poging_id))
        _refresh_opgepakt(conn, case_id)


def set_resultaat(
    core: SignalsCore, case_id: str, datum: date, resultaat: str
) -> tuple[tuple[str | None, date | None], CloudEvent]:
    """The previous (resultaat, datum), to restore on failure, and the event."""
    huishouden = _huishouden(core, case_id)
    event = events.resultaat(core.source, str(uuid.uuid4()), case_id, huishouden, datum, resultaat)
    with core.engine.begin() as conn:
        previous = conn.execute(
            select(cases.c.resultaat, cases.c.resultaat_datum).where(cases.c.id == case_id)
        ).one()
        conn.execute(
            update(cases)
            .where(cases.c.id == case_id)
            .values(resultaat=resultaat, resultaat_datum=datum)
        )
        # Kept even if the broker then refuses it: a tombstone for a record that never
        # arrived is harmless, a published record retention cannot find is not.
        conn.execute(insert(resultaat_events).values(case_id=case_id, event_id=event.id))
    return (previous[0], previous[1]), event


def restore_resultaat(
    core: SignalsCore, case_id: str, previous: tuple[str | None, date | None]
) -> None:
    with core.engine.begin() as conn:
        conn.execute(
            update(cases)
            .where(cases.c.id == case_id)
            .values(resultaat=previous[0], resultaat_datum=previous[1])
        )


def _refresh_opgepakt(conn: Connection, case_id: str) -> None:
    """DDAS datum opgepakt: the date of the case's first contactpoging."""
    first = select(func.min(contactpogingen.c.datum)).where(contactpogingen.c.case_id == case_id)
    conn.execute(
        update(cases).where(cases.c.id == case_id).values(datum_opgepakt=first.scalar_subquery())
    )
