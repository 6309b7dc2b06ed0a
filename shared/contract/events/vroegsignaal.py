"""``data`` of the vroegsignaal.* events: pseudonymised arrears signals and outreach
(docs/domain.md#vroegsignalering).

The signals service builds these after it has replaced the client's identity by keyed
pseudonyms and the postcode by a wijk; no field can hold a name, BSN or address.
"""

from __future__ import annotations

from pydantic import Field

from shared.contract.events.base import HuishoudenEventData
from shared.contract.events.fieldtypes import Amount, Flag, Identifier, IsoDate, WijkNaam
from shared.core.ddas import ContactpogingSoort, Dagdeel, Resultaat, Signaalpartner


class VroegsignaalOntvangen(HuishoudenEventData):
    """One pseudonymised payment-arrears signal, grouped into a household's vroegsignaalzaak."""

    datum: IsoDate = Field(description="DDAS signaaldatum.")
    signaal_id: Identifier = Field(description="DDAS Vroegsignaal ID.")
    vroegsignaalzaak_id: Identifier = Field(
        description="The household case the signals service grouped this signal into."
    )
    signaalpartner: Signaalpartner = Field(description="DDAS signaalpartner type (slug).")
    bedrag: Amount = Field(description="Arrears in euros (>= 0).")
    crisis: Flag = Field(description="DDAS crisissignaal, including eindeleveringssignalen.")
    wijk: WijkNaam = Field(description="Configured wijk name, or 'onbekend'.")


class Contactpoging(HuishoudenEventData):
    """An outreach attempt to the household."""

    datum: IsoDate = Field(description="Date of the attempt.")
    vroegsignaalzaak_id: Identifier = Field(description="The vroegsignaalzaak it belongs to.")
    soort: ContactpogingSoort = Field(description="DDAS contactpoging soort (slug).")
    bereikt: Flag = Field(description="True when the household was reached.")
    dagdeel: Dagdeel | None = Field(None, description="DDAS dagdeel (slug).")


class VroegsignaalResultaat(HuishoudenEventData):
    """The outcome of a vroegsignaalzaak."""

    datum: IsoDate = Field(description="Date the outcome was recorded.")
    vroegsignaalzaak_id: Identifier = Field(description="The vroegsignaalzaak it closes.")
    resultaat: Resultaat = Field(description="DDAS EnumEindresultaat (slug).")
