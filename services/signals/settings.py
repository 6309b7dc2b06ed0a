"""The signals service's settings: its HTTP API, the identity vault and its callers."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Self

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    TypeAdapter,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.platform.settings import (
    CONFIG_DIR,
    ServiceSettings,
    SignInSettings,
    _config,
    distinct_clients,
)

DEV_SIGNALS_CLIENTS = CONFIG_DIR / "dev_signals_clients.yaml"
# A Fernet key (urlsafe base64 of 32 bytes) that is public on purpose: refused in production.
DEV_VAULT_KEY = "wX5-vnMb6VBgTpgHOf8n4Z_l3rvjuYLciD1OZLWTo-A="
# The local provider's development secrets (deploy/local/oidc/server.mjs): public on purpose.
DEV_SIGNALS_OIDC_CLIENT_SECRET = "wijkpuls-development-signals-client-secret"  # noqa: S105
DEV_SIGNALS_SESSION_SECRET = "wijkpuls-development-signals-session-secret"  # noqa: S105


class SignalsRole(StrEnum):
    """What a caller of the signals service may do (docs/signals.md)."""

    SIGNAALPARTNER = "signaalpartner"  # uploads its own deliveries, reads their reports
    VROEGSIGNALERING = "vroegsignalering"  # the team: uploads, werklijst, outreach, outcome
    PRIVACY_OFFICER = "privacy-officer"  # reads the access log of the vault


class SignalsClient(BaseModel):
    """A caller of the signals service: its API key (as a hash), role and signaalpartners."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="name in logs")
    key_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 (hex) of the key")
    role: SignalsRole
    signaalpartners: tuple[str, ...] = Field(
        (), description="DDAS signaalpartner slugs a signaalpartner may deliver; empty: any"
    )


def development_signals_clients() -> list[SignalsClient]:
    """The documented development credentials (shared/config/dev_signals_clients.yaml)."""
    raw = yaml.safe_load(DEV_SIGNALS_CLIENTS.read_text(encoding="utf-8"))
    return TypeAdapter(list[SignalsClient]).validate_python(raw["clients"])


class SignalsSettings(BaseSettings):
    """The vroegsignalering service: deliveries in, identity vault, werklijst, outreach."""

    # A refused key must not be echoed into the start-up error.
    model_config = SettingsConfigDict(**_config("WIJKPULS_SIGNALS_"), hide_input_in_errors=True)

    host: str = Field("127.0.0.1", description="interface to listen on")
    port: int = Field(8002, ge=1, le=65535, description="HTTP port")
    database_url: str = Field(
        "sqlite:///var/signals/vault.db",
        description="SQLAlchemy URL of the identity vault (SQLite file by default; a "
        "postgresql+psycopg:// URL in production)",
    )
    vault_key: SecretStr = Field(
        SecretStr(DEV_VAULT_KEY),
        repr=False,
        description="Fernet key (urlsafe base64, 32 bytes) that encrypts the vault's identity "
        "fields; must be set in production (python -m services.signals.credentials --vault-key)",
    )
    source: str = Field(
        "urn:nld:oin:00000001002220647000:systeem:wijkpuls-signals",
        pattern=r"^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+$",
        description="CloudEvents source of the vroegsignaal.* events",
    )
    clients: list[SignalsClient] = Field(
        [],
        description="JSON list of callers: name, key_sha256, role (signaalpartner, "
        "vroegsignalering, privacy-officer), signaalpartners; empty: the development clients "
        "of shared/config/dev_signals_clients.yaml outside production, nobody in production",
    )
    max_upload_bytes: int = Field(
        104_857_600, ge=1024, description="largest delivery file accepted, in bytes"
    )
    batch_size: int = Field(
        500, ge=1, le=10_000, description="rows validated, stored and published per batch"
    )
    send_timeout_s: float = Field(30.0, gt=0, description="wait for the broker's acks")
    access_log_retention_days: int = Field(
        730,
        ge=1,
        description="days the vault's access log keeps an entry (it names staff: subject and "
        "name); older entries are deleted by the retention job "
        "(python -m services.signals.vault.retention)",
    )

    _distinct_signals_clients = field_validator("clients")(distinct_clients)

    def production_refusals(self) -> list[str]:
        """Why these settings may not run in production ([] when they may).

        Checked when the signals service starts rather than for every ``Settings``: the other
        services never read the vault, so they must not need its key to start.
        """
        found = []
        if self.vault_key.get_secret_value() == DEV_VAULT_KEY:
            found.append("WIJKPULS_SIGNALS_VAULT_KEY must be set to a secret key")
        dev_keys = {client.key_sha256 for client in development_signals_clients()}
        if any(client.key_sha256 in dev_keys for client in self.clients):
            found.append("WIJKPULS_SIGNALS_CLIENTS holds a development key")
        return found


class SignalsOidcSettings(SignInSettings):
    """Sign-in of people to the signals service (docs/signin.md): the pages of the
    vroegsignalering team and the privacy officer. Off while ``issuer`` is empty (then API keys
    only)."""

    model_config = SettingsConfigDict(
        **_config("WIJKPULS_SIGNALS_OIDC_"), hide_input_in_errors=True
    )

    audience: str = Field(
        "urn:wijkpuls:signals", description="the aud a bearer access token must carry"
    )
    client_id: str = Field("wijkpuls-signals", description="this service's client at the provider")
    client_secret: SecretStr = Field(
        SecretStr(DEV_SIGNALS_OIDC_CLIENT_SECRET),
        description="the client's secret (client_secret_basic); the development one is "
        "refused in production",
    )
    session_secret: SecretStr = Field(
        SecretStr(DEV_SIGNALS_SESSION_SECRET),
        description="HMAC key that signs the session cookie; the development one is refused "
        "in production",
    )
    role_map: dict[str, SignalsRole] = Field(
        {
            "wijkpuls.vroegsignalering": "vroegsignalering",
            "wijkpuls.privacy-officer": "privacy-officer",
        },
        validate_default=True,
        description="JSON object of role claim value -> signals role (vroegsignalering, "
        "privacy-officer); a person with no mapped value may sign in but is refused (403) "
        "everywhere; of several, vroegsignalering counts before privacy-officer",
    )

    @field_validator("role_map")
    @classmethod
    def _people_only(cls, mapped: dict[str, SignalsRole]) -> dict[str, SignalsRole]:
        if SignalsRole.SIGNAALPARTNER in mapped.values():
            raise ValueError("signaalpartner is a machine client's role (an API key)")
        return mapped


class Settings(ServiceSettings):
    """The signals service's settings: the shared sections plus its own.

    It pseudonymises, so production refuses the development pseudonym key; the vault key and
    the clients are checked by ``SignalsSettings.production_refusals`` when it starts.
    """

    pseudonymises = True

    signals: SignalsSettings = Field(default_factory=SignalsSettings)
    signals_oidc: SignalsOidcSettings = Field(default_factory=SignalsOidcSettings)

    @model_validator(mode="after")
    def _no_development_sign_in_secret_in_production(self) -> Self:
        dev = self.signals_oidc.development_secret_in_use(
            DEV_SIGNALS_OIDC_CLIENT_SECRET, DEV_SIGNALS_SESSION_SECRET
        )
        if self.in_production and dev:
            raise ValueError(f"WIJKPULS_SIGNALS_OIDC_{dev} must be set in production")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
