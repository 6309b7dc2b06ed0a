"""Who may call the signals service, and the access log entry of what they read.

Machine clients (signal partners, case tools) send an API key (SHA-256 only,
shared/platform/api_keys.py) as ``Authorization: Bearer <key>`` or ``X-API-Key``. People
send an access token of the identity provider (``Authorization: Bearer <JWT>``, told from a
key by its three dot-separated parts) or, on the pages, their session cookie
(services/signals/signin.py). ``Depends(require(role, ...))`` answers 401 without valid
credentials and 403, in Dutch, for a role that may not use the route, and refuses a
state-changing request of a page session that does not come from this site or lacks the
session's token in ``X-CSRF-Token`` (CSRF, shared/platform/web_signin.py ``csrf_refusal``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from services.signals.settings import (
    Settings,
    SignalsClient,
    SignalsRole,
    development_signals_clients,
)
from services.signals.signin import Person, PersonRole, SignIn
from services.signals.vault.access_log import record_access
from services.signals.vault.vault_context import SignalsCore
from shared.platform.api_keys import find_by_key
from shared.platform.problems import ProblemError
from shared.platform.settings import Environment
from shared.platform.web_signin import csrf_refusal, same_origin

REALM = 'Bearer realm="wijkpuls-signals"'
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_bearer = HTTPBearer(
    auto_error=False,
    description="a machine client's API key, or a person's access token (JWT) of the "
    "gemeente's identity provider for the audience of the signals service",
)
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="the caller's API key")


@dataclass(frozen=True)
class Caller:
    """Who is calling: an API client or a signed-in person, with the role it acts in."""

    name: str
    """the API client's name, or the person's subject (the access log's ``who``)"""
    role: SignalsRole
    signaalpartners: tuple[str, ...] = ()
    person: Person | None = None

    @property
    def shown_name(self) -> str:
        return (self.person.name if self.person else None) or self.name


def clients_from_settings(settings: Settings) -> list[SignalsClient]:
    """The configured callers; none configured: the development ones, except in production."""
    entries = settings.signals.clients
    if not entries and settings.app.environment is not Environment.PRODUCTION:
        entries = development_signals_clients()
    return list(entries)


def _looks_like_jwt(value: str) -> bool:
    return value.count(".") == 2 and value.startswith("eyJ")


def _not_authenticated() -> ProblemError:
    return ProblemError(
        401, "not-authenticated", "Not authenticated",
        "send a known API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>', or an "
        "access token of the identity provider as 'Authorization: Bearer <token>'",
        headers={"WWW-Authenticate": REALM},
    )  # fmt: skip


async def identify(
    request: Request, bearer: str | None, api_key: str | None
) -> tuple[Caller | None, PersonRole | None, bool]:
    """(the caller, a signed-in person's role here, whether it came by page session).

    The caller is None for no credentials and for a person without a role here (then the
    role is ``geen``); a wrong key or token raises 401 at once."""
    signin: SignIn = request.app.state.signin
    person: Person | None = None
    by_session = False
    if bearer is not None and _looks_like_jwt(bearer):
        person = await signin.from_bearer(bearer)
    elif bearer is not None or api_key:
        key = bearer if bearer is not None else api_key
        clients: list[SignalsClient] = request.app.state.signals_clients
        holders = ((bytes.fromhex(c.key_sha256), c) for c in clients)
        found = find_by_key(key, holders) if key else None
        if found is None:
            raise _not_authenticated()
        return Caller(found.name, found.role, found.signaalpartners), None, False
    else:
        person = await signin.from_session(request)
        by_session = person is not None
    if person is None:
        return None, None, False
    role = person.role.signals_role
    caller = None if role is None else Caller(person.subject, role, person=person)
    return caller, person.role, by_session


def allowed_roles_text(roles: tuple[SignalsRole, ...]) -> str:
    return " of ".join(r.value for r in roles)


def refuse_role(roles: tuple[SignalsRole, ...], held: str) -> ProblemError:
    return ProblemError(
        403, "forbidden", "Geen toegang",
        f"Dit is alleen voor de rol {allowed_roles_text(roles)}; u werkt met de rol {held}.",
    )  # fmt: skip


def refuse_cross_site() -> ProblemError:
    return ProblemError(
        403, "cross-site-refused", "Geweigerd: niet vanaf deze site",
        "Een formulier of verzoek van een andere site mag hier niets wijzigen (CSRF). Gebruik "
        "het formulier op deze site.",
    )  # fmt: skip


def refuse_without_token(reason: str) -> ProblemError:
    return ProblemError(
        403, "csrf-token-refused", "Geweigerd: geen geldig formuliertoken",
        f"Een verzoek met uw aanmeldsessie dat iets wijzigt, moet het token van die sessie "
        f"meesturen (X-CSRF-Token, bescherming tegen CSRF): {reason}.",
    )  # fmt: skip


def from_this_site(request: Request) -> bool:
    """Stricter than sign-out: a page session's state-changing request must say where it
    comes from (every browser sends Origin or Sec-Fetch-Site on a POST), and be this site."""
    headers = request.headers
    said = "origin" in headers or "sec-fetch-site" in headers
    return said and same_origin(request)


async def authorise(
    request: Request, bearer: str | None, api_key: str | None, roles: tuple[SignalsRole, ...]
) -> Caller:
    caller, person_role, by_session = await identify(request, bearer, api_key)
    if caller is None and person_role is None:
        raise _not_authenticated()
    if caller is None or caller.role not in roles:
        raise refuse_role(roles, caller.role.value if caller else str(person_role))
    if by_session and request.method not in SAFE_METHODS:
        if not from_this_site(request):
            raise refuse_cross_site()
        # the header only: an API route may stream its body (the upload), so no form is read
        reason = await csrf_refusal(request, caller.person, read_form=False)
        if reason:
            raise refuse_without_token(reason)
    request.state.client = caller.name
    request.state.caller = caller
    return caller


def require(*roles: SignalsRole) -> Callable[..., Awaitable[Caller]]:
    async def caller(
        request: Request,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        api_key: Annotated[str | None, Depends(_api_key)],
    ) -> Caller:
        token = bearer.credentials if bearer is not None else None
        return await authorise(request, token, api_key, roles)

    return caller


def log_read(
    request: Request,
    caller: Caller,
    action: str,
    target: str,
    rows: int,
    pseudoniem: str | None = None,
) -> None:
    """Writes a read to the vault's access log: who (client or person: subject and name),
    role, the route template, what (action, target, the pseudonym concerned), how many rows."""
    core: SignalsCore = request.app.state.edge.core
    route = getattr(request.scope.get("route"), "path", None)
    person = caller.person
    record_access(
        core, caller.name, caller.role.value, action, target, rows,
        sub=person.subject if person else None, naam=person.name if person else None,
        route=route, pseudoniem=pseudoniem,
    )  # fmt: skip
