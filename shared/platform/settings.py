"""The settings every service shares, and the base class of each service's own ``Settings``.

One pydantic-settings class per concern. The concerns of a single service (its port, its
clients, its adapters) live beside it in ``services/<service>/settings.py``, whose
``Settings(ServiceSettings)`` adds only that service's sections and checks.

Every setting can be given as an environment variable (prefix shown per class) or in a
``.env`` file; docs/settings.md lists them all (``python -m tools.settings_doc``) and a unit
test keeps that list complete. Secrets are ``SecretStr`` and unsafe development defaults are
refused outside development.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import ClassVar, Self, TypeVar

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.core.domain_config import DomainConfig, load_domain_config

CONFIG_DIR = Path(__file__).parents[1] / "config"
DEFAULT_DOMAIN_CONFIG = CONFIG_DIR / "domain.yaml"
DEV_PSEUDONYM_KEY = "wijkpuls-development-key-not-for-production"
# The shortest API key or shared secret a service accepts from its callers.
MIN_API_KEY_LENGTH = 16

ClientT = TypeVar("ClientT", bound=BaseModel)


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


class KafkaSecurityProtocol(StrEnum):
    PLAINTEXT = "PLAINTEXT"
    SSL = "SSL"
    SASL_PLAINTEXT = "SASL_PLAINTEXT"
    SASL_SSL = "SASL_SSL"

    @property
    def uses_sasl(self) -> bool:
        return self.value.startswith("SASL_")

    @property
    def uses_tls(self) -> bool:
        return self.value.endswith("SSL")


class KafkaSaslMechanism(StrEnum):
    SCRAM_SHA_512 = "SCRAM-SHA-512"
    SCRAM_SHA_256 = "SCRAM-SHA-256"
    PLAIN = "PLAIN"


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
    security_protocol: KafkaSecurityProtocol = Field(
        KafkaSecurityProtocol.PLAINTEXT,
        description="PLAINTEXT (local development), SSL, SASL_PLAINTEXT or SASL_SSL (a "
        "production cluster: TLS and SCRAM users, as the Strimzi listener in deploy/k8s)",
    )
    sasl_mechanism: KafkaSaslMechanism = Field(
        KafkaSaslMechanism.SCRAM_SHA_512, description="SASL mechanism with a SASL_* protocol"
    )
    sasl_username: str = Field("", description="SASL user (the Strimzi KafkaUser's name)")
    sasl_password: SecretStr = Field(SecretStr(""), description="SASL password of that user")
    ssl_cafile: Path | None = Field(
        None,
        description="PEM file of the CA that signed the brokers' certificates (SSL, SASL_SSL); "
        "unset: the system's trusted CAs",
    )

    @model_validator(mode="after")
    def _sasl_needs_a_user(self) -> Self:
        if self.security_protocol.uses_sasl and not (
            self.sasl_username and self.sasl_password.get_secret_value()
        ):
            raise ValueError(
                f"security_protocol {self.security_protocol.value} needs "
                "WIJKPULS_KAFKA_SASL_USERNAME and WIJKPULS_KAFKA_SASL_PASSWORD"
            )
        return self


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


def distinct_clients(clients: list[ClientT]) -> list[ClientT]:
    """The clients as given, refused when two share a name or a key (a field validator)."""
    for attribute in ("name", "key_sha256"):
        values = [getattr(client, attribute) for client in clients]
        if len(set(values)) != len(values):
            raise ValueError(f"every client needs its own {attribute}")
    return clients


class SignInSettings(BaseSettings):
    """Sign-in of people with OpenID Connect (docs/signin.md), the part every service with
    pages shares: bearer tokens on the API, the authorization code flow with PKCE and a session
    cookie for the pages. Off while ``issuer`` is empty. Each service subclasses it with its
    own prefix, audience, client, secrets and role map."""

    issuer: str = Field(
        "",
        description="the provider's issuer URL (its discovery document is under it); empty: "
        "sign-in off. deploy/local/oidc.sh runs one at http://127.0.0.1:8088",
    )
    redirect_uri: str = Field(
        "",
        description="the callback URL registered at the provider; empty: <this service's "
        "address>/auth/callback as the browser reached it",
    )
    role_claim: str = Field("roles", description="the claim that holds the person's roles")
    name_claim: str = Field("name", description="the claim with the person's name (access log)")
    wijken_claim: str = Field(
        "wijken", description="the claim with a person's wijken (a team lead's scope)"
    )
    session_ttl_s: int = Field(
        8 * 3600, ge=60, description="a page session ends this long after sign-in"
    )
    cookie_secure: bool = Field(
        True,
        description="the session cookie only over HTTPS (browsers treat http://127.0.0.1 "
        "and localhost as secure)",
    )

    # Each service declares these with its own development defaults (public on purpose).
    client_secret: SecretStr
    session_secret: SecretStr

    def development_secret_in_use(self, dev_client: str, dev_session: str) -> str | None:
        """The setting (name without prefix) that still holds its public development value
        while sign-in is on, if any: production refuses to start with it."""
        if not self.issuer:
            return None
        if self.client_secret.get_secret_value() == dev_client:
            return "CLIENT_SECRET"
        if self.session_secret.get_secret_value() == dev_session:
            return "SESSION_SECRET"
        return None


class ServiceSettings(BaseSettings):
    """What every service is configured with; a service's ``Settings`` adds its own sections.

    A service that pseudonymises (``pseudonymises = True``) refuses the development
    pseudonym key in production; the others never read the key, so they do not need it.
    """

    model_config = _config("WIJKPULS_UNUSED_")

    pseudonymises: ClassVar[bool] = False

    app: AppSettings = Field(default_factory=AppSettings)
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    redis: RedisSettings = Field(default_factory=RedisSettings)
    pseudonym: PseudonymSettings = Field(default_factory=PseudonymSettings)

    @property
    def in_production(self) -> bool:
        return self.app.environment is Environment.PRODUCTION

    @model_validator(mode="after")
    def _no_development_key_in_production(self) -> Self:
        dev_key = self.pseudonym.key.get_secret_value() == DEV_PSEUDONYM_KEY
        if self.pseudonymises and self.in_production and dev_key:
            raise ValueError("WIJKPULS_PSEUDONYM_KEY must be set to a secret outside development")
        return self


@lru_cache
def get_domain_config(path: Path | None = None) -> DomainConfig:
    """The domain configuration this process runs with (``app.domain_config``), loaded once."""
    return load_domain_config(path or AppSettings().domain_config)
