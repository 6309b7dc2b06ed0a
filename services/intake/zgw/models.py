"""The parts of ZGW resources the adapter reads (Zaken API 1.5, Besluiten API 1.0, Notificaties
API 1.0), parsed leniently: unknown and free-text fields (toelichting, omschrijving, reden) are
dropped on reading, so they cannot travel further.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel


class _Zgw(BaseModel):
    model_config = ConfigDict(
        extra="ignore", frozen=True, alias_generator=to_camel, populate_by_name=True
    )


def _aware(value: datetime) -> datetime:
    # ZGW timestamps carry an offset; a bare one is UTC (the APIs store UTC).
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class Notificatie(_Zgw):
    """The body Open Notificaties posts to an abonnement's callback URL."""

    kanaal: str = Field(min_length=1, max_length=50)
    hoofd_object: str = Field(min_length=1)
    resource: str = Field(min_length=1, max_length=100)
    resource_url: str = Field(min_length=1)
    actie: str = Field(min_length=1, max_length=100)
    aanmaakdatum: datetime
    kenmerken: dict[str, str] = Field(default_factory=dict)

    _aware = field_validator("aanmaakdatum")(_aware)


class Opschorting(_Zgw):
    indicatie: bool = False


class Verlenging(_Zgw):
    duur: str | None = None


class ZaakKenmerk(_Zgw):
    kenmerk: str
    bron: str


class Zaak(_Zgw):
    url: str
    identificatie: str
    zaaktype: str
    registratiedatum: date | None = None
    startdatum: date | None = None
    einddatum: date | None = None
    opschorting: Opschorting | None = None
    verlenging: Verlenging | None = None
    kenmerken: list[ZaakKenmerk] = Field(default_factory=list)
    resultaat: str | None = None

    @property
    def opgeschort(self) -> bool:
        return self.opschorting is not None and self.opschorting.indicatie


class Status(_Zgw):
    url: str
    zaak: str
    statustype: str
    datum_status_gezet: datetime

    _aware = field_validator("datum_status_gezet")(_aware)


class Resultaat(_Zgw):
    url: str
    resultaattype: str


class Besluit(_Zgw):
    url: str
    besluittype: str
    zaak: str | None = None
    datum: date


class ZaakDelta(_Zgw):
    """What an audit line's ``oud``/``nieuw`` says about a zaak's opschorting and verlenging."""

    opschorting: Opschorting | None = None
    verlenging: Verlenging | None = None

    @property
    def opgeschort(self) -> bool:
        return self.opschorting is not None and self.opschorting.indicatie


class Wijzigingen(_Zgw):
    oud: ZaakDelta | None = None
    nieuw: ZaakDelta | None = None


class AuditEntry(_Zgw):
    """One line of a zaak's audit trail; ``wijzigingen`` holds the resource before and after."""

    uuid: str | None = None
    resource: str
    resource_url: str
    aanmaakdatum: datetime
    wijzigingen: Wijzigingen = Field(default_factory=Wijzigingen)  # other fields: dropped

    _aware = field_validator("aanmaakdatum")(_aware)


@dataclass(frozen=True)
class ZaakSnapshot:
    """What the APIs said about one zaak at one moment."""

    zaak: Zaak
    audit: Sequence[AuditEntry] | None = None  # None: not read this time
    statussen: Sequence[Status] = ()
    besluiten: Sequence[Besluit] = ()
    resultaat: Resultaat | None = None


class ZaakState(BaseModel):
    """The adapter's view of one zaak (kept in Redis, rebuildable from the APIs)."""

    model_config = ConfigDict(extra="forbid")

    url: str
    open: bool = True
    opgeschort: bool = False
    opschortingen: int = 0  # opschorting changes seen on the state path
    verlenging_dagen: int = 0
    emitted: list[str] = []
