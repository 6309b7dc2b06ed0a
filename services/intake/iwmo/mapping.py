"""Product lines -> catalog facts waiting only for their zaak id, and then -> CloudEvents.

Everything about the event except ``data.zaak_id`` is fixed by the message, so a line can be
parked and published later (or twice) as the very same event:

- ``id``: uuid5 of (message type, Afzender, BerichtIdentificatie, line position); a resent
  message gives the same ids, a duplicate rather than a second fact.
- ``source``: ``urn:nld:agb:<Afzender>:systeem:iwmo`` (or ``ijw``): the provider's system.
- ``time``: the message's Dagtekening at 00:00 Europe/Amsterdam, the day the provider logged
  it (a receive time would turn a resend into a conflicting duplicate).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime
from datetime import time as clock_time
from typing import Any

from services.intake.iwmo.messages import Soort
from services.intake.iwmo.parse import Bericht
from shared.contract.events import CloudEvent, new_event
from shared.core.local_time import AMSTERDAM

IWMO_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://wijkpuls.helmond.nl/iwmo")
PARKED_VERSION = 1


@dataclass(frozen=True)
class PendingFact:
    """A zorg.gestart/zorg.beeindigd that needs only its zaak id. Holds no personal data."""

    event_id: str
    source: str
    type_name: str  # catalog name: zorg.gestart | zorg.beeindigd
    time: datetime
    toewijzingnummer: str
    datum: date
    reden: str | None = None

    def to_event(self, zaak_id: str) -> CloudEvent:
        data: dict[str, Any] = {
            "zaak_id": zaak_id,
            "datum": self.datum.isoformat(),
            "toewijzingnummer": self.toewijzingnummer,
        }
        if self.reden is not None:
            data["reden"] = self.reden
        return new_event(
            self.type_name, data, source=self.source, event_id=self.event_id, time=self.time
        )

    def to_json(self) -> bytes:
        fields = asdict(self) | {"time": self.time.isoformat(), "datum": self.datum.isoformat()}
        return json.dumps({"v": PARKED_VERSION, **fields}, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> PendingFact:
        fields = json.loads(raw)
        if fields.pop("v", None) != PARKED_VERSION:
            raise ValueError("unknown parked record version")
        fields["time"] = datetime.fromisoformat(fields["time"])
        fields["datum"] = date.fromisoformat(fields["datum"])
        return cls(**fields)


def source_urn(bericht: Bericht) -> str:
    return f"urn:nld:agb:{bericht.afzender}:systeem:{bericht.type.standaard}"


def type_name(bericht: Bericht) -> str:
    return "zorg.gestart" if bericht.type.soort is Soort.START else "zorg.beeindigd"


def pending_facts(bericht: Bericht) -> list[PendingFact]:
    kind = bericht.type
    logged = datetime.combine(bericht.dagtekening, clock_time(), AMSTERDAM)
    message = "|".join(
        (kind.name, bericht.afzender, bericht.identificatie, bericht.dagtekening.isoformat())
    )
    return [
        PendingFact(
            event_id=str(uuid.uuid5(IWMO_NAMESPACE, f"{message}|{regel.positie}")),
            source=source_urn(bericht),
            type_name=type_name(bericht),
            time=logged,
            toewijzingnummer=regel.toewijzingnummer,
            datum=regel.datum,
            reden=regel.reden,
        )
        for regel in bericht.regels
    ]
