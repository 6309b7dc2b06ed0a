"""The base of every event's ``data``: closed, immutable and able to name its record key.

``extra="forbid"`` is the contract rule of docs/domain.md#event-contract: the catalog grows by a
new version,
not by what a sender adds, and an unknown field is the likeliest place for personal data.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shared.contract.events.fieldtypes import Identifier, IsoDate, Pseudonym


class EventData(BaseModel):
    """The ``data`` of a catalog event."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def record_key(self) -> str:
        """The Kafka record key: everything about one case lands in one partition, in order."""
        raise NotImplementedError


class ZaakEventData(EventData):
    """Data about one zaak (case): keyed by the zaak id."""

    zaak_id: Identifier = Field(description="The case system's id of the zaak (opaque).")
    datum: IsoDate = Field(description="The business date of the fact (Europe/Amsterdam).")

    def record_key(self) -> str:
        return self.zaak_id


class HuishoudenEventData(EventData):
    """Data about one household's vroegsignalering: keyed by the household pseudonym."""

    huishouden: Pseudonym = Field(
        description="Keyed pseudonym of the household (HMAC of postcode, huisnummer, toevoeging)."
    )
    datum: IsoDate = Field(description="The business date of the fact (Europe/Amsterdam).")

    def record_key(self) -> str:
        return self.huishouden
