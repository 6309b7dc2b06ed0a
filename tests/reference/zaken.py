"""Raw stored-form events -> per-zaak facts, with duplicates and corrections per
docs/domain.md#corrections."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

PREFIX = "nl.helmond.sociaaldomein."
SINGLE = {"zaak.aangemeld", "zaak.aanvraag-ontvangen", "zaak.onderzoek-afgerond",
          "zaak.eerste-contact", "zaak.besloten", "zaak.afgesloten"}  # fmt: skip


@dataclass
class Zaak:
    single: dict[str, dict[str, Any]] = field(default_factory=dict)
    multi: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def datum(self, kind: str) -> date | None:
        event = self.single.get(kind)
        return date.fromisoformat(event["data"]["datum"]) if event else None

    def data(self, kind: str) -> dict[str, Any]:
        event = self.single.get(kind)
        return event["data"] if event else {}

    def dates(self, kind: str) -> list[dict[str, Any]]:
        return self.multi.get(kind, [])


def _order(event: dict[str, Any]) -> tuple[datetime, str]:
    return datetime.fromisoformat(event["time"].replace("Z", "+00:00")), event["id"]


def build_zaken(events: Iterable[dict[str, Any]]) -> dict[str, Zaak]:
    seen: set[tuple[str, str]] = set()
    zaken: dict[str, Zaak] = defaultdict(Zaak)
    for event in events:
        key = (event["source"], event["id"])
        kind = event["type"].removeprefix(PREFIX)
        if key in seen or not kind.startswith(("zaak.", "zorg.")):
            continue
        seen.add(key)
        zaak = zaken[event["data"]["zaak_id"]]
        if kind in SINGLE:
            current = zaak.single.get(kind)
            if current is None or _order(event) > _order(current):
                zaak.single[kind] = event
        else:
            zaak.multi[kind].append(event)
    return zaken


def known_on(zaak: Zaak, peildatum: date) -> Zaak:
    """The zaak as known on a peildatum: events dated after it are not counted
    (docs/domain.md#peildatum).

    A corrected fact counts in its corrected version only: when that is dated after the
    peildatum the fact is unknown on it (the earlier version had the date wrong).
    """

    def on_time(event: dict[str, Any]) -> bool:
        return date.fromisoformat(event["data"]["datum"]) <= peildatum

    known = Zaak()
    known.single = {kind: e for kind, e in zaak.single.items() if on_time(e)}
    for kind, events in zaak.multi.items():
        known.multi[kind] = [e for e in events if on_time(e)]
    return known
