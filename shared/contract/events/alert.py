"""``data`` of the alert.* events, which Wijkpuls itself produces (docs/domain.md#alerts).

The three alert kinds share one shape; the kind is the event type. No personal data: the
zaak id, law, wijk and clock are all a team lead needs to open the case in their own system.
"""

from __future__ import annotations

from pydantic import Field

from shared.contract.events.base import ZaakEventData
from shared.contract.events.fieldtypes import Flag, Identifier, IsoDate, Slug, WijkNaam
from shared.core.domain_config import Wet


class Alert(ZaakEventData):
    """A legal term is about to pass, has passed, or was met late."""

    datum: IsoDate = Field(
        description="The day the alert fired, or for opgelost-na-termijn the day the clock"
        " ended late (its stopping event, or the afgesloten/besluit that ended it)."
    )
    alert_id: Identifier = Field(
        description="Stable id derived from (zaak, clock, kind): one alert however often computed."
    )
    wet: Wet = Field(description="The law of the zaak.")
    wijk: WijkNaam = Field(description="Configured wijk name, or 'onbekend'.")
    clock: Slug = Field(description="Id of the clock in the domain configuration.")
    due: IsoDate = Field(description="Due date of the clock (after suspensions, verdaging, Atw).")
    historisch: Flag = Field(
        description="True when the term had passed before Wijkpuls first saw the zaak"
        " (a historical load) or the alert's day lies more than the configured window"
        " (default 7 days) before the worker's today: listed as a view of the zaak's current"
        " history (recomputed as facts arrive), never pushed to webhooks."
    )
