"""``data`` of the zorg.* events: toewijzing, start and stop of care (iWmo/iJw 301/305/307).

The iWmo adapter knows the zaak through the ToewijzingNummer of an earlier
``zorg.toegewezen``; the BSN the 305/307 messages carry is dropped in that adapter and has
no field here.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shared.contract.events.base import ZaakEventData
from shared.contract.events.fieldtypes import Code, Identifier, IsoDate


class Product(BaseModel):
    """The iWmo/iJw product of a toewijzing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    categorie: Code = Field(description="iWmo/iJw Productcategorie, e.g. '02'.")
    code: Code | None = Field(None, description="iWmo/iJw Productcode; absent when aspecific.")


class ZorgToegewezen(ZaakEventData):
    """Care was assigned to a provider (toewijzing, 301 ToegewezenProduct)."""

    datum: IsoDate = Field(description="Ingangsdatum of the toewijzing.")
    toewijzingnummer: Identifier | None = Field(None, description="301 ToewijzingNummer.")
    product: Product | None = Field(None, description="The assigned product.")
    aanbieder: Code | None = Field(None, description="The provider's AGB code.")


class ZorgGestart(ZaakEventData):
    """Care actually started (305 StartProduct)."""

    datum: IsoDate = Field(description="Begindatum of the care (305).")
    toewijzingnummer: Identifier | None = Field(None, description="ToewijzingNummer it started.")


class ZorgBeeindigd(ZaakEventData):
    """Care stopped (307 StopProduct)."""

    datum: IsoDate = Field(description="Einddatum of the care (307).")
    reden: Code | None = Field(None, description="307 RedenBeeindiging code.")
    toewijzingnummer: Identifier | None = Field(None, description="ToewijzingNummer it stopped.")
