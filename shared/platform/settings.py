"""Runtime settings, one pydantic-settings class per concern.

Every setting can be given as an environment variable (prefix shown per class) or in a
``.env`` file; docs/settings.md lists them all and a unit test keeps that list complete.
Secrets are ``SecretStr`` and unsafe development defaults are refused outside development.
"""

from __future__ import annotations

from enum import StrEnum
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

from shared.core.domain_config import DomainConfig, load_domain_config

DEFAULT_DOMAIN_CONFIG = Path(__file__).parents[1] / "config" / "domain.yaml"
DEV_INTAKE_CLIENTS = Path(__file__).parents[1] / "config" / "dev_clients.yaml"
DEV_PSEUDONYM_KEY = "wijkpuls-development-key-not-for-production"
DEV_SIGNALS_CLIENTS = Path(__file__).parents[1] / "config" / "dev_signals_clients.yaml"
# A Fernet key (urlsafe base64 of 32 bytes) that is public on purpose: refused in production.
DEV_VAULT_KEY = "wX5-vnMb6VBgTpgHOf8n4Z_l3rvjuYLciD1OZLWTo-A="


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


def _config(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=prefix, env_file=".env", extra="ignore")


class AppSettings(BaseSettings):
    """Which environment this is and where the domain rules live."""

    model_config = _config("WIJKPULS_")

    environment: Environment = Field(
        Environment.DEVELOPMENT,
        description="development, test or production; production refuses development secrets",
    )
    domain_config: Path = Field(
        DEFAULT_DOMAIN_CONFIG, description="YAML with legal terms, wijken and retention"
    )
    log_level: str = Field(
        "INFO", description="DEBUG, INFO, WARNING or ERROR (JSON lines on stderr)"
    )


class KafkaSettings(BaseSettings):
    """How to reach the broker and how the topics are named."""

    model_config = _config("WIJKPULS_KAFKA_")

    bootstrap_servers: str = Field("localhost:9092", description="host:port[,host:port...]")
    topic_prefix: str = Field("", description="prefix for every topic name (tests isolate by it)")
    events_partitions: int = Field(6, ge=6, description="partitions of the events topic (>= 6)")
    vroegsignalen_partitions: int = Field(
        6, ge=1, description="partitions of the vroegsignalen topic"
    )
    alerts_partitions: int = Field(3, ge=1, description="partitions of the alerts topic")
    dlq_partitions: int = Field(1, ge=1, description="partitions of the dead-letter topic")
    replication_factor: int = Field(
        1, ge=1, description="replicas per topic (1 on a single broker)"
    )
    request_timeout_ms: int = Field(30_000, ge=1_000, description="client request timeout")


class RedisSettings(BaseSettings):
    """The Redis that holds the rebuildable view of the figures."""

    model_config = _config("WIJKPULS_REDIS_")

    url: str = Field("redis://localhost:6379/0", description="redis:// URL of the figures store")


class PseudonymSettings(BaseSettings):
    """The key of the one keyed pseudonymisation function (HMAC-SHA256)."""

    model_config = _config("WIJKPULS_PSEUDONYM_")

    key: SecretStr = Field(
        SecretStr(DEV_PSEUDONYM_KEY), description="HMAC secret; must be set outside development"
    )
    key_version: str = Field(
        "v1", pattern=r"^v[0-9]+$", description="version tag carried in every pseudonym"
    )


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

    @field_validator("clients")
    @classmethod
    def _distinct_clients(cls, clients: list[IntakeClient]) -> list[IntakeClient]:
        for attribute in ("name", "key_sha256"):
            values = [getattr(client, attribute) for client in clients]
            if len(set(values)) != len(values):
                raise ValueError(f"every client needs its own {attribute}")
        return clients


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


class ReportingRole(StrEnum):
    """Who reads the figures; only some roles may see small numbers (BRIEF §4)."""

    PUBLIEK = "publiek"
    ANALIST = "analist"

    @property
    def sees_small_numbers(self) -> bool:
        return self is ReportingRole.ANALIST


MIN_API_KEY_LENGTH = 16


class ReportingSettings(BaseSettings):
    """The reporting API."""

    # A refused key must not be echoed into the start-up error.
    model_config = SettingsConfigDict(**_config("WIJKPULS_REPORTING_"), hide_input_in_errors=True)

    host: str = Field("127.0.0.1", description="interface to listen on")
    port: int = Field(8001, ge=1, le=65535, description="HTTP port")
    api_keys: dict[str, ReportingRole] = Field(
        {},
        repr=False,
        description="JSON object of API key -> role (publiek, analist), sent as X-API-Key; "
        f"keys of at least {MIN_API_KEY_LENGTH} characters; callers without a key are publiek",
    )

    @field_validator("api_keys")
    @classmethod
    def _long_keys(cls, keys: dict[str, ReportingRole]) -> dict[str, ReportingRole]:
        if any(len(key) < MIN_API_KEY_LENGTH for key in keys):
            raise ValueError(f"every API key needs at least {MIN_API_KEY_LENGTH} characters")
        return keys


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

    @field_validator("clients")
    @classmethod
    def _distinct_signals_clients(cls, clients: list[SignalsClient]) -> list[SignalsClient]:
        for attribute in ("name", "key_sha256"):
            values = [getattr(client, attribute) for client in clients]
            if len(set(values)) != len(values):
                raise ValueError(f"every client needs its own {attribute}")
        return clients

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


class KpiSettings(BaseSettings):
    """The faust KPI workers: consumer group, local state and their small web server."""

    model_config = _config("WIJKPULS_KPI_")

    app_id: str = Field("wijkpuls-kpi", description="faust app id = consumer group (prefixed)")
    store: str = Field("rocksdb://", description="table store: rocksdb:// or memory://")
    data_dir: Path = Field(
        Path("var/kpi"), description="local table state; one folder per worker process"
    )
    web_port: int = Field(6066, ge=1, le=65535, description="faust web port (health, stats)")
    alert_tick_s: float = Field(
        30.0,
        gt=0,
        le=3600,
        description="seconds between ticks of the alert clock, which moves a caught-up "
        "partition to today and gives the alerts that became due with time",
    )
    alert_source: str = Field(
        "urn:nld:oin:00000001002220647000:systeem:wijkpuls",
        pattern=r"^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+$",
        description="CloudEvents source of the alert events the workers publish",
    )
    alert_window_days: int = Field(
        7,
        ge=0,
        description="an alert that became due (its datum: the warning day, the first day "
        "over the term, the day the clock ended) more than this many days before the "
        "worker's today is historisch: listed, never pushed to webhooks (a late delivery, a "
        "long backlog or a replay after a rule change must not flood the receivers)",
    )


DEV_WEBHOOK_SECRET = "wijkpuls-development-webhook-secret"  # noqa: S105 - refused in production


class WebhookSettings(BaseSettings):
    """The alert webhooks: where alerts are pushed and how (docs/alerts.md)."""

    # A refused secret must not be echoed into the start-up error.
    model_config = SettingsConfigDict(**_config("WIJKPULS_WEBHOOK_"), hide_input_in_errors=True)

    urls: list[HttpUrl] = Field(
        [],
        description="JSON list of URLs that receive every alert that is not historisch "
        "(POST, CloudEvents structured JSON); empty: the dispatcher delivers nothing",
    )
    secret: SecretStr = Field(
        SecretStr(DEV_WEBHOOK_SECRET),
        repr=False,
        description="HMAC-SHA256 key of the X-Wijkpuls-Signature header; must be set "
        "outside development when there are webhooks",
    )
    max_attempts: int = Field(
        8,
        ge=1,
        description="attempts per alert and webhook before it goes to the dead-letter topic",
    )
    backoff_initial_s: float = Field(
        1.0, gt=0, description="wait after the first failed attempt; doubles per attempt"
    )
    backoff_max_s: float = Field(300.0, gt=0, description="longest wait between two attempts")
    timeout_s: float = Field(10.0, gt=0, description="timeout of one POST")
    group_id: str = Field(
        "wijkpuls-webhooks",
        description="consumer group of the dispatcher (prefixed); each webhook has its own, "
        "this name plus '-' and the webhook's id",
    )
    health_port: int = Field(
        8003, ge=1, le=65535, description="port of the dispatcher's GET /health (127.0.0.1)"
    )


class Settings(BaseSettings):
    """All settings together, with the cross-concern safety checks."""

    model_config = _config("WIJKPULS_UNUSED_")

    app: AppSettings = Field(default_factory=AppSettings)
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    redis: RedisSettings = Field(default_factory=RedisSettings)
    pseudonym: PseudonymSettings = Field(default_factory=PseudonymSettings)
    intake: IntakeSettings = Field(default_factory=IntakeSettings)
    iwmo: IwmoSettings = Field(default_factory=IwmoSettings)
    reporting: ReportingSettings = Field(default_factory=ReportingSettings)
    kpi: KpiSettings = Field(default_factory=KpiSettings)
    webhook: WebhookSettings = Field(default_factory=WebhookSettings)
    zgw: ZgwSettings = Field(default_factory=ZgwSettings)
    signals: SignalsSettings = Field(default_factory=SignalsSettings)

    @model_validator(mode="after")
    def _no_development_key_in_production(self) -> Settings:
        dev_key = self.pseudonym.key.get_secret_value() == DEV_PSEUDONYM_KEY
        if self.app.environment is Environment.PRODUCTION and dev_key:
            raise ValueError("WIJKPULS_PSEUDONYM_KEY must be set to a secret outside development")
        return self

    @model_validator(mode="after")
    def _no_development_intake_keys_in_production(self) -> Settings:
        dev_keys = {client.key_sha256 for client in development_intake_clients()}
        dev_key_used = any(client.key_sha256 in dev_keys for client in self.intake.clients)
        if self.app.environment is Environment.PRODUCTION and dev_key_used:
            raise ValueError("WIJKPULS_INTAKE_CLIENTS holds a development key (not in production)")
        return self

    @model_validator(mode="after")
    def _no_development_webhook_secret_in_production(self) -> Settings:
        dev_secret = self.webhook.secret.get_secret_value() == DEV_WEBHOOK_SECRET
        if self.app.environment is Environment.PRODUCTION and self.webhook.urls and dev_secret:
            raise ValueError("WIJKPULS_WEBHOOK_SECRET must be set to a secret outside development")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()


@lru_cache
def get_domain_config(path: Path | None = None) -> DomainConfig:
    """The domain configuration this process runs with (``app.domain_config``), loaded once."""
    return load_domain_config(path or get_settings().app.domain_config)
