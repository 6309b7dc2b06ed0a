"""The wachtend list of docs/domain.md#kpi-wachtend, recomputed from the raw events.

A zaak is wachtend on the peildatum when, as known on it, its aanmelding is known, it was
granted (a besluit toegekend; with no besluit at all, its first zorg.toegewezen), no care has
started (zorg.gestart) and it was not closed (zaak.afgesloten). Its age runs from the grant.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from reference.zaken import build_zaken, known_on


def wachtend(events: Iterable[dict[str, Any]], peildatum: date) -> dict[str, dict[str, Any]]:
    """zaak_id -> {wet, wijk, sinds, grond, dagen} of every zaak wachtend on the peildatum."""
    found = {}
    for zaak_id, everything in build_zaken(events).items():
        zaak = known_on(everything, peildatum)
        if "zaak.aangemeld" not in zaak.single or "zaak.afgesloten" in zaak.single:
            continue
        if zaak.dates("zorg.gestart"):
            continue
        if "zaak.besloten" in zaak.single:
            if zaak.data("zaak.besloten")["uitkomst"] != "toegekend":
                continue
            sinds, grond = zaak.datum("zaak.besloten"), "besluit"
        else:
            toewijzingen = [date.fromisoformat(e["data"]["datum"])
                            for e in zaak.dates("zorg.toegewezen")]  # fmt: skip
            if not toewijzingen:
                continue
            sinds, grond = min(toewijzingen), "toewijzing"
        assert sinds is not None
        aangemeld = zaak.data("zaak.aangemeld")
        found[zaak_id] = {
            "wet": aangemeld["wet"],
            "wijk": aangemeld.get("wijk", "onbekend"),
            "sinds": sinds,
            "grond": grond,
            "dagen": (peildatum - sinds).days,
        }
    return found
