"""Runtime settings, one pydantic-settings class per concern.

Every setting can be given as an environment variable (prefix shown per class) or in a
``.env`` file; docs/settings.md lists them all and a unit test keeps that list complete.
Secrets are ``SecretStr`` and unsafe development defaults are refused outside development.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DOMAIN_CONFIG = Path(__file__).parent / "config" / "domain.yaml"
DEV_PSEUDONYM_KEY = "wijkpuls-development-key-not-for-production"


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


class IntakeSettings(BaseSettings):
    """The HTTP edge that case systems publish to."""

    model_config = _config("WIJKPULS_INTAKE_")

    host: str = Field("127.0.0.1", description="interface to listen on")
    port: int = Field(8000, ge=1, le=65535, description="HTTP port")
    max_batch_size: int = Field(1000, ge=1, description="most events in one batch request")
    send_timeout_s: float = Field(30.0, gt=0, description="wait for the broker's acks")


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


class KpiSettings(BaseSettings):
    """The faust KPI workers: consumer group, local state and their small web server."""

    model_config = _config("WIJKPULS_KPI_")

    app_id: str = Field("wijkpuls-kpi", description="faust app id = consumer group (prefixed)")
    store: str = Field("rocksdb://", description="table store: rocksdb:// or memory://")
    data_dir: Path = Field(
        Path("var/kpi"), description="local table state; one folder per worker process"
    )
    web_port: int = Field(6066, ge=1, le=65535, description="faust web port (health, stats)")


class Settings(BaseSettings):
    """All settings together, with the cross-concern safety checks."""

    model_config = _config("WIJKPULS_UNUSED_")

    app: AppSettings = Field(default_factory=AppSettings)
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    redis: RedisSettings = Field(default_factory=RedisSettings)
    pseudonym: PseudonymSettings = Field(default_factory=PseudonymSettings)
    intake: IntakeSettings = Field(default_factory=IntakeSettings)
    reporting: ReportingSettings = Field(default_factory=ReportingSettings)
    kpi: KpiSettings = Field(default_factory=KpiSettings)

    @model_validator(mode="after")
    def _no_development_key_in_production(self) -> Settings:
        dev_key = self.pseudonym.key.get_secret_value() == DEV_PSEUDONYM_KEY
        if self.app.environment is Environment.PRODUCTION and dev_key:
            raise ValueError("WIJKPULS_PSEUDONYM_KEY must be set to a secret outside development")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
