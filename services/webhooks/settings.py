"""The alert webhooks' settings: where alerts are pushed, how they are signed and retried."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, HttpUrl, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.platform.settings import ServiceSettings, _config

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


class Settings(ServiceSettings):
    """The webhook dispatcher's settings: the shared sections plus its own."""

    webhook: WebhookSettings = Field(default_factory=WebhookSettings)

    @model_validator(mode="after")
    def _no_development_webhook_secret_in_production(self) -> Settings:
        dev_secret = self.webhook.secret.get_secret_value() == DEV_WEBHOOK_SECRET
        if self.in_production and self.webhook.urls and dev_secret:
            raise ValueError("WIJKPULS_WEBHOOK_SECRET must be set to a secret outside development")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
