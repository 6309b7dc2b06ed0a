"""The intake's settings: its HTTP edge, the iWmo/iJw and ZGW adapters, and its clients."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    SecretStr,
    TypeAdapter,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.platform.settings import (
    CONFIG_DIR,
    MIN_API_KEY_LENGTH,
    ServiceSettings,
    _config,
    distinct_clients,
)

DEV_INTAKE_CLIENTS = CONFIG_DIR / "dev_clients.yaml"


class IntakeClient(BaseModel):
    """A system that may publish to the intake: its API key (as a hash) and what it may send."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="name in logs")
    key_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 (hex) of the key")
    sources: tuple[str, ...] = Field(min_length=1, description="source URNs; * is a wildcard")
    types: tuple[str, ...] = Field(min_length=1, description="event types, e.g. zaak.*")
    rate_per_s: float = Field(200.0, gt=0, description="events per second, sustained")
    burst: int = Field(1000, ge=1, description="events at once (size of the token bucket)")


def development_intake_clients() -> list[IntakeClient]:
    """The documented development credentials (shared/config/dev_clients.yaml)."""
    raw = yaml.safe_load(DEV_INTAKE_CLIENTS.read_text(encoding="utf-8"))
    return TypeAdapter(list[IntakeClient]).validate_python(raw["clients"])


class IntakeSettings(BaseSettings):
    """The HTTP edge that case systems publish to."""

    model_config = _config("WIJKPULS_INTAKE_")

    host: str = Field("127.0.0.1", description="interface to listen on")
    port: int = Field(8000, ge=1, le=65535, description="HTTP port")
    max_batch_size: int = Field(1000, ge=1, description="most events in one batch request")
    max_body_bytes: int = Field(
        4_194_304, ge=1024, description="largest request body in bytes; larger gets 413"
    )
    send_timeout_s: float = Field(30.0, gt=0, description="wait for the broker's acks")
    clients: list[IntakeClient] = Field(
        [],
        description="JSON list of the systems that may publish: name, key_sha256, sources, "
        "types, rate_per_s, burst (docs/intake.md); empty: the development clients of "
        "shared/config/dev_clients.yaml outside production, nobody in production",
    )

    _distinct_clients = field_validator("clients")(distinct_clients)


class IwmoSettings(BaseSettings):
    """The iWmo/iJw 3.2 adapter of the intake: 305/307 messages from care providers."""

    model_config = _config("WIJKPULS_IWMO_")

    xsd_dir: Path | None = Field(
        None,
        description="folder with the iStandaarden XSDs: iwmo/ (basisschema.xsd, WMO305.xsd, "
        "WMO307.xsd) and ijw/ (basisschema.xsd, JW305.xsd, JW307.xsd); when set every message "
        "is validated against them, when empty only the documented elements are checked",
    )
    max_bytes: int = Field(
        262_144, ge=4096, le=16_777_216, description="largest message body accepted, in bytes"
    )
    retry_interval_s: float = Field(
        300.0,
        gt=0,
        description="also retry the parked lines this often, besides on every new toewijzing",
    )

    @field_validator("xsd_dir", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value


class ZgwSettings(BaseSettings):
    """The ZGW adapter of the intake: Open Notificaties callbacks, Zaken/Besluiten API reads."""

    # A refused secret must not be echoed into the start-up error.
    model_config = SettingsConfigDict(**_config("WIJKPULS_ZGW_"), hide_input_in_errors=True)

    zaken_api_url: HttpUrl | None = Field(
        None,
        description="base URL of the Zaken API, e.g. https://openzaak.helmond.nl/zaken/api/v1; "
        "unset turns the adapter off (callbacks get 503)",
    )
    besluiten_api_url: HttpUrl | None = Field(
        None, description="base URL of the Besluiten API; unset: no zaak.besloten from besluiten"
    )
    source: str = Field(
        "urn:nld:oin:00000001002220647000:systeem:openzaak",
        pattern=r"^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+$",
        description="CloudEvents source of the events made from this Zaken API",
    )
    client_id: str = Field(
        "", description="ZGW client id; with the secret every request carries a fresh HS256 JWT"
    )
    secret: SecretStr | None = Field(None, description="ZGW client secret that signs the JWT")
    authorization: SecretStr | None = Field(
        None,
        description="fixed Authorization header for the ZGW APIs instead of the JWT "
        "(e.g. 'Token ...')",
    )
    callback_authorization: SecretStr | None = Field(
        None,
        description="the Authorization header Open Notificaties sends (the abonnement's auth), "
        "at least 16 characters; unset refuses every callback",
    )
    timeout_s: float = Field(10.0, gt=0, description="timeout of one ZGW API request")
    retries: int = Field(
        3, ge=0, description="retries on 429/502/503/504, a connection error or a 404 of an "
        "early notification, with exponential backoff",
    )  # fmt: skip
    backoff_s: float = Field(0.5, gt=0, description="first backoff; doubles per retry (max 30 s)")
    audittrail: bool = Field(
        True,
        description="date opschorting/verlenging changes from the zaak's audittrail (scope "
        "audittrails.lezen); false: from the adapter's own view, dated when noticed",
    )
    reconcile_interval_s: float = Field(
        900.0, ge=0, description="seconds between reconciliation runs; 0 turns them off"
    )
    reconcile_window_days: int = Field(
        90,
        ge=1,
        description="reconciliation lists the zaken registered in the last N days, plus every "
        "zaak the adapter holds open",
    )

    @field_validator("callback_authorization")
    @classmethod
    def _long_callback_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_API_KEY_LENGTH:
            raise ValueError(f"needs at least {MIN_API_KEY_LENGTH} characters")
        return value

    @model_validator(mode="after")
    def _jwt_needs_both(self) -> ZgwSettings:
        if bool(self.client_id) != (self.secret is not None):
            raise ValueError("WIJKPULS_ZGW_CLIENT_ID and WIJKPULS_ZGW_SECRET go together")
        return self


class Settings(ServiceSettings):
    """The intake's settings: the shared sections plus the edge and its two adapters."""

    pseudonymises = True

    intake: IntakeSettings = Field(default_factory=IntakeSettings)
    iwmo: IwmoSettings = Field(default_factory=IwmoSettings)
    zgw: ZgwSettings = Field(default_factory=ZgwSettings)

    @model_validator(mode="after")
    def _no_development_intake_keys_in_production(self) -> Settings:
        dev_keys = {client.key_sha256 for client in development_intake_clients()}
        dev_key_used = any(client.key_sha256 in dev_keys for client in self.intake.clients)
        if self.in_production and dev_key_used:
            raise ValueError("WIJKPULS_INTAKE_CLIENTS holds a development key (not in production)")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
