"""The reporting API's settings: where it listens and who may read which figures."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache
from typing import Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.platform.settings import (
    MIN_API_KEY_LENGTH,
    ServiceSettings,
    SignInSettings,
    _config,
)

HASHED_KEY_PREFIX = "sha256:"
"""An API key given by its SHA-256 (hex) in the settings: the settings hold no usable key."""


class ReportingRole(StrEnum):
    """Who reads (docs/signin.md#roles, docs/domain.md#small-numbers). publiek and beleid get
    disclosure-controlled figures, teamleider too outside its own wijken, vroegsignalering
    outside its own KPIs; analist and privacy-officer see small numbers
    (services/reporting/scopes.py: sees_small_numbers per KPI table, exact_wijken per cell).
    Single zaken: analist all, teamleider its own wijken; the other roles see counts only."""

    PUBLIEK = "publiek"
    BELEID = "beleid"
    ANALIST = "analist"
    TEAMLEIDER = "teamleider"
    VROEGSIGNALERING = "vroegsignalering"
    PRIVACY_OFFICER = "privacy-officer"

    @property
    def sees_small_numbers(self) -> bool:
        """In every KPI table. vroegsignalering also sees them in its own domain's tables
        (scopes.sees_small_numbers) and teamleider in the cells of its own wijken
        (scopes.exact_wijken), docs/domain.md#small-numbers."""
        return self in (ReportingRole.ANALIST, ReportingRole.PRIVACY_OFFICER)

    @property
    def precedence(self) -> int:
        """Of several roles a person holds, the highest counts (the one that sees most)."""
        return _PRECEDENCE.index(self)


_PRECEDENCE = (
    ReportingRole.PUBLIEK,
    ReportingRole.BELEID,
    ReportingRole.VROEGSIGNALERING,
    ReportingRole.TEAMLEIDER,
    ReportingRole.PRIVACY_OFFICER,
    ReportingRole.ANALIST,
)


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
    figures_version_ttl_s: float = Field(
        1.0,
        ge=0,
        description="seconds a process reuses a KPI's content version (one Redis "
        "script over all its cells) before asking again: figures are at most this much older "
        "than the worker's writes; 0 asks on every request",
    )
    kept_answers_window_s: float = Field(
        0.0,
        ge=0,
        description="seconds one process reuses the check of a kept KPI answer (one MGET of "
        "the KPI's content sum, the view markers and the test date; concurrent requests "
        "share one anyway): a cell the worker changed or a lost store is seen at most this "
        "much later; 0 checks for every request (services/reporting/kpis/kept_answers.py)",
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
    live_max_connections: int = Field(
        200,
        ge=1,
        description="open live streams (GET /api/v1/live, Server-Sent Events) per process; "
        "past it a new one gets 503 with Retry-After",
    )
    live_heartbeat_s: float = Field(
        15.0,
        gt=0,
        description="seconds between heartbeat comments on a quiet live stream",
    )
    live_interval_s: float = Field(
        1.0,
        gt=0,
        description="seconds between the live watcher's looks at Redis (one watcher per "
        "process while a stream is open): a changed figure reaches the pages within about this",
    )
    view_markers_required: bool = Field(
        True,
        description="serve figures and lists only while the KPI workers' view markers say "
        "the figures store is complete for every partition (docs/reliability.md): after "
        "Redis lost its data, or before any worker wrote it, /ready is false and they "
        "answer 503 'figures rebuilding' instead of empty cells. Off only for a store "
        "filled without KPI workers (tests that write Redis themselves)",
    )
    chromium: str = Field(
        "/usr/bin/chromium",
        description="headless chromium that prints the STH half-year report to PDF "
        "(GET /api/v1/rapport/sth/{halfjaar}?format=pdf); missing: that format answers 503",
    )
    api_keys: dict[str, ReportingRole] = Field(
        {},
        repr=False,
        description="JSON object of API key -> role (publiek, beleid, analist, vroegsignalering, "
        "privacy-officer; a teamleider key has no wijken, so no zaken), sent as X-API-Key. "
        "Give each key as 'sha256:' and the SHA-256 (hex) of the key, so the settings hold no "
        "usable key (required in production); a plain key, of at least "
        f"{MIN_API_KEY_LENGTH} characters, is accepted outside production. Callers without a "
        "key are publiek",
    )

    @field_validator("api_keys")
    @classmethod
    def _long_keys(cls, keys: dict[str, ReportingRole]) -> dict[str, ReportingRole]:
        for key in keys:
            if key.startswith(HASHED_KEY_PREFIX):
                if not re.fullmatch(r"[0-9a-f]{64}", key.removeprefix(HASHED_KEY_PREFIX)):
                    raise ValueError("a hashed API key is 'sha256:' and 64 lowercase hex digits")
            elif len(key) < MIN_API_KEY_LENGTH:
                raise ValueError(f"every API key needs at least {MIN_API_KEY_LENGTH} characters")
        return keys

    @property
    def plain_api_keys(self) -> int:
        """How many keys are given in plain text (refused in production)."""
        return sum(not key.startswith(HASHED_KEY_PREFIX) for key in self.api_keys)


DEV_OIDC_CLIENT_SECRET = "wijkpuls-development-oidc-client-secret"  # noqa: S105 (public)
DEV_SESSION_SECRET = "wijkpuls-development-session-secret"  # noqa: S105 (public)


class OidcSettings(SignInSettings):
    """Sign-in of people to the reporting service (docs/signin.md); off while ``issuer`` is
    empty (then only API keys and publiek)."""

    model_config = SettingsConfigDict(**_config("WIJKPULS_OIDC_"), hide_input_in_errors=True)

    audience: str = Field(
        "urn:wijkpuls:reporting", description="the aud a bearer access token must carry"
    )
    client_id: str = Field(
        "wijkpuls-reporting", description="this service's client at the provider"
    )
    client_secret: SecretStr = Field(
        SecretStr(DEV_OIDC_CLIENT_SECRET),
        description="the client's secret (client_secret_basic); the development one is "
        "refused in production",
    )
    session_secret: SecretStr = Field(
        SecretStr(DEV_SESSION_SECRET),
        description="HMAC key that signs the session cookie; the development one is refused "
        "in production",
    )
    role_map: dict[str, ReportingRole] = Field(
        {
            "wijkpuls.beleid": "beleid",
            "wijkpuls.analist": "analist",
            "wijkpuls.teamleider": "teamleider",
            "wijkpuls.vroegsignalering": "vroegsignalering",
            "wijkpuls.privacy-officer": "privacy-officer",
        },
        validate_default=True,
        description="JSON object of role claim value -> reporting role (publiek, beleid, "
        "analist, teamleider, vroegsignalering, privacy-officer); of several the one that "
        "sees most (analist, privacy-officer, teamleider, vroegsignalering, beleid); a token "
        "without a mapped value reads as publiek. A teamleider reads the single zaken of the "
        "wijken in its wijken claim only",
    )


class Settings(ServiceSettings):
    """The reporting API's settings: the shared sections plus its own."""

    reporting: ReportingSettings = Field(default_factory=ReportingSettings)
    oidc: OidcSettings = Field(default_factory=OidcSettings)

    @model_validator(mode="after")
    def _no_development_sign_in_secret_in_production(self) -> Self:
        if self.in_production and self.reporting.plain_api_keys:
            raise ValueError(
                "WIJKPULS_REPORTING_API_KEYS holds a key in plain text; give 'sha256:<hex>' of "
                "each key in production"
            )
        dev = self.oidc.development_secret_in_use(DEV_OIDC_CLIENT_SECRET, DEV_SESSION_SECRET)
        if self.in_production and dev:
            raise ValueError(f"WIJKPULS_OIDC_{dev} must be set outside development")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
