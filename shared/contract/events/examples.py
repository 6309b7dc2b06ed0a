"""A valid example of every catalog type, for tests, the published schemas and the demo.

Examples are fixed (ids from uuid5 of the type, one fixed time) so the generated catalog
files do not change between runs. The BSN in the intake example is a test number (RvIG
range 9999xxxxx), not a person's.
"""

from __future__ import annotations

import uuid
from typing import Any, Final, Literal

from shared.contract.events.catalog import BY_TYPE, TYPE_PREFIX, full_type

OMIT: Final = object()
"""Pass as an override value to leave that field out (e.g. to test a missing field)."""

SOURCE = "urn:nld:oin:00000001002220647000:systeem:zaaksysteem"
TIME = "2026-03-02T09:15:00Z"
ENVELOPE_FIELDS = frozenset(
    {"specversion", "id", "source", "type", "time", "subject", "datacontenttype", "dataschema"}
    | {"dataref", "sequence", "sequencetype", "traceparent", "tracestate"}
)
HUISHOUDEN = "hh-v1-3f2a9c0d1e4b5a6978c0d1e2f3a4b5c6"
TEST_BSN = "999993653"

_ZAAK = {"zaak_id": "Z-2026-000123", "datum": "2026-03-02"}
_SIGNAAL = {"huishouden": HUISHOUDEN, "datum": "2026-03-02", "vroegsignaalzaak_id": "VSZ-2026-0042"}
_ALERT = {
    **_ZAAK,
    "datum": "2026-04-13",
    "alert_id": "alert-Z-2026-000123-wmo-besluit",
    "wet": "wmo",
    "wijk": "Brandevoort",
    "clock": "wmo-besluit",
    "due": "2026-04-27",
    "historisch": False,
}
_DATA: dict[str, dict[str, Any]] = {
    "zaak.aangemeld": {
        **_ZAAK,
        "wet": "wmo",
        "soort": "melding",
        "wijk": "Brandevoort",
        "huishouden": HUISHOUDEN,
        "crisis": False,
    },
    "zaak.onderzoek-afgerond": {**_ZAAK, "datum": "2026-04-06"},
    "zaak.aanvraag-ontvangen": {**_ZAAK, "datum": "2026-04-08"},
    "zaak.eerste-contact": {**_ZAAK, "datum": "2026-03-05", "vorm": "huisbezoek"},
    "zaak.opgeschort": {**_ZAAK, "datum": "2026-03-10", "reden": "aanvulling-gevraagd"},
    "zaak.hervat": {**_ZAAK, "datum": "2026-03-17"},
    "zaak.verdaagd": {**_ZAAK, "datum": "2026-04-20", "dagen": 42},
    "zaak.besloten": {**_ZAAK, "datum": "2026-04-15", "uitkomst": "toegekend"},
    "zorg.toegewezen": {
        **_ZAAK,
        "datum": "2026-04-20",
        "toewijzingnummer": "TW-88001",
        "product": {"categorie": "02", "code": "02A03"},
        "aanbieder": "75750001",
    },
    "zorg.gestart": {**_ZAAK, "datum": "2026-05-04", "toewijzingnummer": "TW-88001"},
    "zorg.beeindigd": {
        **_ZAAK,
        "datum": "2026-11-30",
        "reden": "02",
        "toewijzingnummer": "TW-88001",
    },
    "zaak.afgesloten": {**_ZAAK, "datum": "2026-12-01", "verwezen": False},
    "vroegsignaal.ontvangen": {
        **_SIGNAAL,
        "signaal_id": "SIG-2026-03-0001",
        "signaalpartner": "energie",
        "bedrag": 412.5,
        "crisis": False,
        "wijk": "Helmond-Noord",
    },
    "vroegsignaal.contactpoging": {
        **_SIGNAAL,
        "datum": "2026-03-04",
        "soort": "huisbezoek",
        "bereikt": True,
        "dagdeel": "middag",
    },
    "vroegsignaal.resultaat": {
        **_SIGNAAL,
        "datum": "2026-03-20",
        "resultaat": "vervolghulp-en-of-verwijzing-financieel",
    },
    "alert.waarschuwing": _ALERT,
    "alert.termijn-overschreden": {**_ALERT, "datum": "2026-04-28"},
    "alert.opgelost-na-termijn": {**_ALERT, "datum": "2026-05-06"},
}
_INTAKE_AANGEMELD = {
    **_ZAAK,
    "wet": "wmo",
    "soort": "melding",
    "postcode": "5708 ZX",
    "client": {"bsn": TEST_BSN, "postcode": "5708 ZX", "huisnummer": 12, "toevoeging": "A"},
}


def example_event(
    type_name: str, *, form: Literal["stored", "intake"] = "stored", **overrides: Any
) -> dict[str, Any]:
    """A valid event of ``type_name`` (short or full) as a JSON-ready dict.

    Overrides whose name is an envelope attribute change the envelope, all others change
    ``data``; ``data=`` replaces data whole; a value of ``OMIT`` removes the field.
    ``form="intake"`` gives what a case system posts (zaak.aangemeld with postcode and client).
    """
    full = full_type(type_name)
    name = BY_TYPE[full].type.removeprefix(TYPE_PREFIX)
    data = _INTAKE_AANGEMELD if form == "intake" and name == "zaak.aangemeld" else _DATA[name]
    event: dict[str, Any] = {
        "specversion": "1.0",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, full)),
        "source": SOURCE if name.startswith(("zaak.", "zorg.")) else _own_source(name),
        "type": full,
        "time": TIME,
        "datacontenttype": "application/json",
        "data": _deep_copy(data),
    }
    for field, value in overrides.items():
        target = event if field in ENVELOPE_FIELDS or field == "data" else event["data"]
        if value is OMIT:
            target.pop(field, None)
        else:
            target[field] = value
    return event


def _own_source(name: str) -> str:
    system = "signals" if name.startswith("vroegsignaal.") else "kpi"
    return f"urn:nld:oin:00000001002220647000:systeem:wijkpuls-{system}"


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    return value
