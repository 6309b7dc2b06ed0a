"""What the retention job must write to Kafka for a due vroegsignaalzaak, read from the vault.

Per zaak: its final contribution to the figures (to freeze) and the address of every record
it published (to tombstone). The contribution is computed with the KPI worker's own pure
function (shared/core/kpi/vroegsignalering.py) from the same events the service published, rebuilt
from the vault rows, so it equals what the worker holds for the zaak: freezing it changes no
cell. Only published signals count: an unpublished one never reached the worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from services.signals.pipeline import events
from services.signals.pipeline.publisher import RecordAddress, event_address
from services.signals.vault.event_households import event_household
from services.signals.vault.schema import cases, contactpogingen, resultaat_events, signals
from shared.contract.events import CloudEvent
from shared.contract.events.catalog import TYPE_PREFIX
from shared.contract.vroegsignaal_records import FrozenContribution, record_key
from shared.core.kpi.vroegsignalering import VroegsignaalzaakHistory, vroegsignaalzaak_contribution


@dataclass(frozen=True)
class RetiringZaak:
    huishouden: str  # the one its events carry: its records' partition
    frozen: FrozenContribution
    records: list[RecordAddress]


def retiring_zaak(conn: Connection, source: str, case_id: str) -> RetiringZaak | None:
    huishouden = event_household(conn, case_id)
    if huishouden is None:
        return None
    published: list[CloudEvent] = []
    records: list[RecordAddress] = []
    for row in conn.execute(select(signals).where(signals.c.case_id == case_id)).mappings():
        event = events.ontvangen(source, row["event_id"], {**row, "huishouden": huishouden})
        records.append(event_address(event))
        if row["published"]:
            published.append(event)
    for p in conn.execute(select(contactpogingen).where(contactpogingen.c.case_id == case_id)):
        event = events.contactpoging(
            source, p.event_id, case_id, huishouden, p.datum, p.soort, p.bereikt, p.dagdeel
        )
        records.append(event_address(event))
        published.append(event)
    resultaat_ids = conn.execute(
        select(resultaat_events.c.event_id).where(resultaat_events.c.case_id == case_id)
    ).scalars()
    records += [
        RecordAddress(huishouden, record_key(huishouden, case_id, event_id))
        for event_id in resultaat_ids
    ]
    zaak = conn.execute(select(cases).where(cases.c.id == case_id)).mappings().one()
    if zaak["resultaat"] is not None:  # the current one: the version does not move a figure
        published.append(
            events.resultaat(source, "vault", case_id, huishouden, zaak["resultaat_datum"],
                             zaak["resultaat"])
        )  # fmt: skip
    contribution = vroegsignaalzaak_contribution(_history(published))
    return RetiringZaak(huishouden, FrozenContribution(case_id, contribution), records)


def _history(published: list[CloudEvent]) -> VroegsignaalzaakHistory:
    history = VroegsignaalzaakHistory()
    for event in published:
        kind = event.type.removeprefix(TYPE_PREFIX)
        data = event.data.model_dump(mode="python")
        history = history.add(kind, event.source, event.id, event.time, data)
    return history
