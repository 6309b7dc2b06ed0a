"""The reporting API's settings: where it listens and who may read which figures."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.platform.settings import MIN_API_KEY_LENGTH, ServiceSettings, _config


class ReportingRole(StrEnum):
    """Who reads the figures; only some roles may see small numbers
    (docs/domain.md#small-numbers): publiek and beleid get disclosure-controlled figures."""

    PUBLIEK = "publiek"
    BELEID = "beleid"
    ANALIST = "analist"

    @property
    def sees_small_numbers(self) -> bool:
        return self is ReportingRole.ANALIST


class ReportingSettings(BaseSettings):
    """The reporting API."""

    # A refused key must not be echoed into the start-up error.
    model_config = SettingsConfigDict(**_config("WIJKPULS_REPORTING_"), hide_input_in_errors=True)

    host: str = Field("127.0.0.1", description="interface to listen on")
    port: int = Field(8001, ge=1, le=65535, description="HTTP port")
    workers: int = Field(
        1,
        ge=1,
        le=32,
        description="server processes on the port (uvicorn workers); about one "
        "per core the service may use",
    )
    max_in_flight: int = Field(
        64,
        ge=1,
        description="requests one process answers at once; past it a request gets 503 "
        "with Retry-After at once (load shedding) instead of waiting",
    )
    redis_pool_size: int = Field(
        32,
        ge=1,
        description="Redis connections per process; a request waits for a free one",
    )
    redis_pool_wait_s: float = Field(
        2.0,
        gt=0,
        description="how long a request waits for a free Redis connection before its 503",
    )
    api_keys: dict[str, ReportingRole] = Field(
        {},
        repr=False,
        description="JSON object of API key -> role (publiek, beleid, analist), sent as X-API-Key; "
        f"keys of at least {MIN_API_KEY_LENGTH} characters; callers without a key are publiek",
    )

    @field_validator("api_keys")
    @classmethod
    def _long_keys(cls, keys: dict[str, ReportingRole]) -> dict[str, ReportingRole]:
        if any(len(key) < MIN_API_KEY_LENGTH for key in keys):
            raise ValueError(f"every API key needs at least {MIN_API_KEY_LENGTH} characters")
        return keys


class Settings(ServiceSettings):
    """The reporting API's settings: the shared sections plus its own."""

    reporting: ReportingSettings = Field(default_factory=ReportingSettings)


@lru_cache
def get_settings() -> Settings:
    return Settings()
