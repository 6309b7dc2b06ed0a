"""``data`` of the zaak.* events: what happens to a resident's request for help
(docs/domain.md#event-catalog).

Field names are the Dutch domain terms case-system developers already use. The stored
``zaak.aangemeld`` carries a resolved ``wijk`` and pseudonyms only; what a sender may give
instead (a postcode, a ``client`` block) is the intake model in ``intake.py``.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from shared.contract.events.base import ZaakEventData
from shared.contract.events.fieldtypes import Days, Flag, IsoDate, Pseudonym, Slug, WijkNaam
from shared.core.domain_config import Wet


class Soort(StrEnum):
    """How the request came in: a Wmo melding, a formal aanvraag, or a hulpvraag (STH, Wgs)."""

    MELDING = "melding"
    AANVRAAG = "aanvraag"
    HULPVRAAG = "hulpvraag"


class Uitkomst(StrEnum):
    """Outcome of a besluit; every outcome, ingetrokken included, stops the besluit clocks."""

    TOEGEKEND = "toegekend"
    AFGEWEZEN = "afgewezen"
    BUITEN_BEHANDELING = "buiten-behandeling"
    INGETROKKEN = "ingetrokken"


class ZaakAangemeld(ZaakEventData):
    """A request for help was received; starts the law's first clock."""

    datum: IsoDate = Field(description="Date of receipt; a term runs from the day after.")
    wet: Wet = Field(description="The law the request falls under; selects the clocks.")
    soort: Soort = Field(description="Melding, aanvraag or hulpvraag.")
    wijk: WijkNaam = Field(
        description="Configured wijk name or 'onbekend', resolved at the edge from wijk/postcode."
    )
    huishouden: Pseudonym | None = Field(None, description="Keyed pseudonym of the household.")
    persoon: Pseudonym | None = Field(None, description="Keyed pseudonym of the resident.")
    crisis: Flag = Field(
        False, description="Wgs crisis (art. 4 lid 2): the 3-werkdagen term applies."
    )


class OnderzoekAfgerond(ZaakEventData):
    """Wmo: the onderzoek (verslag) is done; stops the 6-week clock."""

    datum: IsoDate = Field(description="Date the onderzoek was completed.")


class AanvraagOntvangen(ZaakEventData):
    """Wmo: the aanvraag after the onderzoek was received; starts the 2-week clock."""

    datum: IsoDate = Field(description="Date of receipt of the aanvraag.")


class EersteContact(ZaakEventData):
    """STH picked the hulpvraag up (home visit, first talk) or the Wgs eerste gesprek took place."""

    datum: IsoDate = Field(description="Date of the first contact or eerste gesprek.")
    vorm: Slug | None = Field(None, description="Form of the contact, e.g. 'huisbezoek'.")


class Opgeschort(ZaakEventData):
    """The clock stands still (Awb 4:15) until a zaak.hervat."""

    datum: IsoDate = Field(
        description="First day the clock stands still (the day after the invitation to supplement)."
    )
    reden: Slug | None = Field(None, description="Reason as a slug, e.g. 'aanvulling-gevraagd'.")


class Hervat(ZaakEventData):
    """The clock runs again after an opschorting."""

    datum: IsoDate = Field(description="Day the clock runs again.")


class Verdaagd(ZaakEventData):
    """The term was extended (Awb 4:14)."""

    datum: IsoDate = Field(description="Date of the verdaging.")
    dagen: Days = Field(description="Calendar days the term is extended by (> 0).")


class Besloten(ZaakEventData):
    """The besluit/beschikking was taken; stops the besluit clocks."""

    datum: IsoDate = Field(description="Date of the besluit.")
    uitkomst: Uitkomst = Field(description="Outcome of the besluit.")


class Afgesloten(ZaakEventData):
    """The trajectory was closed."""

    datum: IsoDate = Field(description="Date the trajectory was closed.")
    verwezen: Flag = Field(description="True when referred to specialist care.")
