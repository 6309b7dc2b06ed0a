"""Who delivers the DDAS export: the Uitwisselmodel's header fields (WIJKPULS_DDAS_*).

Apart from ``SignalsSettings`` because only the export reads them; the gemeentecode comes
from shared/config/domain.yaml, the one place the gemeente is named.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.signals.rules.ddas_export import DeliveryHeader
from shared.core.domain_config import DomainConfig


class DdasExportSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WIJKPULS_DDAS_", env_file=".env", extra="ignore")

    code_gegevensleverancier: str = Field(
        "WIJKPULS", min_length=1, description="DDAS codeGegevensleverancier (who builds the file)"
    )
    organisatie_naam: str | None = Field(
        None, description="aanleverende_organisatie.naam; default 'Gemeente <naam>'"
    )
    kvk_nummer: str | None = Field(None, pattern=r"^[0-9]{8}$")
    contact_naam: str | None = Field(None, description="contactpersoon (a role mailbox is fine)")
    contact_email: str | None = None
    contact_functietitel: str | None = None

    def header(self, domain: DomainConfig) -> DeliveryHeader:
        organisatie: dict[str, Any] = {
            "naam": self.organisatie_naam or f"Gemeente {domain.gemeente.naam}"
        }
        if self.kvk_nummer:
            organisatie["kvk-nummer"] = self.kvk_nummer
        contact = {
            "naam": self.contact_naam,
            "email": self.contact_email,
            "functietitel": self.contact_functietitel,
        }
        if any(contact.values()):
            organisatie["contactpersoonen"] = [{k: v for k, v in contact.items() if v}]
        return DeliveryHeader(
            self.code_gegevensleverancier, domain.gemeente.gemeentecode, organisatie
        )
