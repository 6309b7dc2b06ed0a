"""The catalog events this service publishes (vroegsignaal.*), with replay-stable ids.

A signal's event id is a uuid5 of its (signaalpartner, id), so reloading a delivery sends a
duplicate (same source + id) that every consumer already ignores, never a second signal.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from shared.contract.events import CloudEvent, new_event

_EVENT_NAMESPACE = uuid.UUID("5d1c8f0e-8a3b-5c7e-b8f4-0e3a4c9b2d17")


def signal_event_id(signaalpartner: str, signaal_id: str) -> str:
    return str(uuid.uuid5(_EVENT_NAMESPACE, f"ontvangen|{signaalpartner}|{signaal_id}"))


def ontvangen(source: str, event_id: str, row: Any) -> CloudEvent:
    """``row``: a vault ``signals`` row (or a mapping with the same keys)."""
    data = {
        "signaal_id": row["signaal_pseudonym"],
        "huishouden": row["huishouden"],
        "vroegsignaalzaak_id": row["case_id"],
        "signaalpartner": row["signaalpartner"],
        "datum": row["signaaldatum"].isoformat(),
        "bedrag": float(row["bedrag"]),
        "crisis": bool(row["crisis"]),
        "wijk": row["wijk"],
    }
    return new_event(
        "vroegsignaal.ontvangen", data, source=source, event_id=event_id, subject=row["case_id"]
    )


def contactpoging(
    source: str,
    event_id: str,
    case_id: str,
    huishouden: str,
    datum: date,
    soort: str,
    bereikt: bool,
    dagdeel: str | None,
) -> CloudEvent:
    data: dict[str, Any] = {
        "vroegsignaalzaak_id": case_id,
        "huishouden": huishouden,
        "datum": datum.isoformat(),
        "soort": soort,
        "bereikt": bereikt,
    }
    if dagdeel is not None:
        data["dagdeel"] = dagdeel
    return new_event(
        "vroegsignaal.contactpoging", data, source=source, event_id=event_id, subject=case_id
    )


def resultaat(
    source: str, event_id: str, case_id: str, huishouden: str, datum: date, value: str
) -> CloudEvent:
    data = {
        "vroegsignaalzaak_id": case_id,
        "huishouden": huishouden,
        "datum": datum.isoformat(),
        "resultaat": value,
    }
    return new_event(
        "vroegsignaal.resultaat", data, source=source, event_id=event_id, subject=case_id
    )
