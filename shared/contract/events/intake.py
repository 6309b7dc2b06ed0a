"""What a case system may send in ``zaak.aangemeld`` at the HTTP edge, before it is stored.

The edge accepts a ``wijk`` or a ``postcode`` and an optional ``client`` block, and turns
them into the stored form (``edge.py``): a resolved wijk and keyed pseudonyms. Only here
may a BSN or an address appear; the stored model refuses all of them.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr, model_validator
from pydantic.config import JsonDict, JsonValue
from pydantic_core import PydanticCustomError

from shared.contract.events.base import ZaakEventData
from shared.contract.events.bsn import normalise_bsn
from shared.contract.events.fieldtypes import Flag, IsoDate, Pseudonym, WijkNaam
from shared.contract.events.patterns import POSTCODE_PATTERN
from shared.contract.events.zaak import Soort
from shared.core.domain_config import Wet

_Postcode = Annotated[StrictStr, Field(min_length=4, max_length=16)]
# The household pseudonym is made from it, so a client postcode must be a real PC6.
_ClientPostcode = Annotated[StrictStr, Field(pattern=POSTCODE_PATTERN)]


def _bsn(value: str) -> str:
    bsn = normalise_bsn(value)
    if bsn is None:
        raise PydanticCustomError(
            "bsn_invalid", "is not a valid BSN (9 digits passing the 11-proef)"
        )
    return bsn


class Client(BaseModel):
    """The resident, given only to be pseudonymised at the edge; never stored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bsn: Annotated[StrictStr, AfterValidator(_bsn)] | None = Field(
        None, description="BSN of the resident; becomes the persoon pseudonym."
    )
    postcode: _ClientPostcode | None = Field(
        None, description="Postcode of the household's address (1234AB)."
    )
    huisnummer: Annotated[int, Field(strict=True, ge=1, le=99999)] | None = Field(
        None, description="Huisnummer (a number; letters go in toevoeging)."
    )
    toevoeging: Annotated[StrictStr, Field(min_length=1, max_length=16)] | None = Field(
        None, description="Huisletter and/or huisnummertoevoeging."
    )

    @model_validator(mode="after")
    def _identifies_someone(self) -> Client:
        if (self.postcode is None) != (self.huisnummer is None):
            raise PydanticCustomError(
                "client_address", "postcode and huisnummer go together: give both or neither"
            )
        if self.bsn is None and self.postcode is None:
            raise PydanticCustomError("client_empty", "needs a bsn or a postcode with huisnummer")
        return self


def _given(field: str, schema: JsonDict) -> JsonDict:
    """JSON Schema for "field is present and not null" (``required`` alone lets null in)."""
    return {"required": [field], "properties": {field: schema}}


# The schema side of ``_consistent``: a wijk source must be given.
_WIJK_SOURCES: list[JsonValue] = [
    _given("wijk", {"type": "string"}),
    _given("postcode", {"type": "string"}),
    _given("client", {"type": "object", **_given("postcode", {"type": "string"})}),
]


class ZaakAangemeldAanlevering(ZaakEventData):
    """``zaak.aangemeld`` as sent to the intake: wijk or postcode, optionally a client block."""

    datum: IsoDate = Field(description="Date of receipt; a term runs from the day after.")
    wet: Wet = Field(description="The law the request falls under; selects the clocks.")
    soort: Soort = Field(description="Melding, aanvraag or hulpvraag.")
    wijk: WijkNaam | None = Field(None, description="Wijk name; unknown names count as 'onbekend'.")
    postcode: _Postcode | None = Field(
        None, description="Postcode; turned into the wijk at the edge and dropped."
    )
    client: Client | None = Field(
        None, description="Resident; replaced at the edge by huishouden and persoon pseudonyms."
    )
    huishouden: Pseudonym | None = Field(None, description="Household pseudonym made upstream.")
    persoon: Pseudonym | None = Field(None, description="Person pseudonym made upstream.")
    crisis: Flag = Field(False, description="Wgs crisis (art. 4 lid 2).")

    model_config = ConfigDict(json_schema_extra={"anyOf": _WIJK_SOURCES})

    @model_validator(mode="after")
    def _consistent(self) -> ZaakAangemeldAanlevering:
        client_postcode = self.client.postcode if self.client else None
        if self.wijk is None and self.postcode is None and client_postcode is None:
            raise PydanticCustomError("wijk_missing", "needs wijk, postcode or client.postcode")
        if self.client and self.client.postcode and self.huishouden:
            raise PydanticCustomError(
                "huishouden_twice", "give huishouden or a client address, not both"
            )
        if self.client and self.client.bsn and self.persoon:
            raise PydanticCustomError("persoon_twice", "give persoon or client.bsn, not both")
        return self
