"""People sign in to the reporting service with OpenID Connect (docs/signin.md): the bearer
token or page session of shared/platform/web_signin.py, with the reporting's own role.

The role comes from the role claim through ``oidc.role_map``; a token whose values map to no
reporting role reads as publiek. The monitor's API calls are same-origin, so the session
cookie goes with them.
"""

from __future__ import annotations

from fastapi import Request
from redis.asyncio import Redis

from services.reporting.settings import ReportingRole, Settings
from shared.platform import web_signin
from shared.platform.web_signin import SignInSite, WebSignIn

SESSION_COOKIE = "wijkpuls_sessie"
STATE_COOKIE = "wijkpuls_aanmelding"
HOME = "/monitor/overzicht"
BEARER_REALM = 'Bearer realm="wijkpuls-reporting"'

Person = web_signin.Person[ReportingRole]
router = web_signin.router


def _redis(request: Request) -> Redis:
    redis: Redis = request.app.state.reporting.redis
    return redis


SITE = SignInSite(
    home=HOME,
    session_cookie=SESSION_COOKIE,
    state_cookie=STATE_COOKIE,
    key_name="sessie",
    realm=BEARER_REALM,
    refused_hint="send a valid access token of the gemeente's identity provider, an API key "
    "as X-API-Key, or nothing to read as publiek",
    redis=_redis,
)


class SignIn(WebSignIn[ReportingRole]):
    """Sign-in of the reporting service: its settings section, Redis and roles."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings.oidc, settings.kafka.topic_prefix, SITE)
        self.role_map = settings.oidc.role_map

    def role(self, values: list[str]) -> ReportingRole:
        mapped = [self.role_map[v] for v in values if v in self.role_map]
        # of several, the role that sees most (ReportingRole.precedence)
        return max(mapped, key=lambda r: r.precedence, default=ReportingRole.PUBLIEK)

    def stored_role(self, value: str) -> ReportingRole:
        return ReportingRole(value)
