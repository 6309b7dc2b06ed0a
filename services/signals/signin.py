"""People sign in to the signals service with OpenID Connect (docs/signin.md): the bearer
token or page session of shared/platform/web_signin.py, with the signals service's roles.

Its cookies have their own names: a browser sends a cookie of 127.0.0.1:8001 (the
reporting's session) to 127.0.0.1:8002 as well, so the two sessions must not share a name.
"""

from __future__ import annotations

from enum import StrEnum

from fastapi import Request
from redis.asyncio import Redis

from services.signals.settings import Settings, SignalsRole
from shared.platform import web_signin
from shared.platform.web_signin import SignInSite, WebSignIn

HOME = "/"
SESSION_COOKIE = "wijkpuls_signalen_sessie"
STATE_COOKIE = "wijkpuls_signalen_aanmelding"


class PersonRole(StrEnum):
    """A signed-in person's role here; ``geen`` when no role claim value maps to one (signed
    in, refused everywhere)."""

    VROEGSIGNALERING = SignalsRole.VROEGSIGNALERING.value
    PRIVACY_OFFICER = SignalsRole.PRIVACY_OFFICER.value
    GEEN = "geen"

    @property
    def signals_role(self) -> SignalsRole | None:
        return None if self is PersonRole.GEEN else SignalsRole(self.value)


Person = web_signin.Person[PersonRole]
router = web_signin.router


def _redis(request: Request) -> Redis:
    redis: Redis = request.app.state.sessions
    return redis


SITE = SignInSite(
    home=HOME,
    session_cookie=SESSION_COOKIE,
    state_cookie=STATE_COOKIE,
    key_name="signalen-sessie",
    realm='Bearer realm="wijkpuls-signals"',
    refused_hint="send a valid access token of the gemeente's identity provider (audience "
    "of the signals service) or a known API key",
    redis=_redis,
)


class SignIn(WebSignIn[PersonRole]):
    """Sign-in of the signals service: its settings section, Redis and roles."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings.signals_oidc, settings.kafka.topic_prefix, SITE)
        self.role_map = settings.signals_oidc.role_map

    def role(self, values: list[str]) -> PersonRole:
        mapped = {self.role_map[v] for v in values if v in self.role_map}
        # one role per person; a person holding both works as vroegsignalering here
        for role in (SignalsRole.VROEGSIGNALERING, SignalsRole.PRIVACY_OFFICER):
            if role in mapped:
                return PersonRole(role.value)
        return PersonRole.GEEN

    def stored_role(self, value: str) -> PersonRole:
        return PersonRole(value)
