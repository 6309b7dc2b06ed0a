"""Who is asking (API key -> role) and the access log the privacy officer reads
(docs/domain.md#privacy).

Keys are compared by their SHA-256 digest and logged only as a short fingerprint of it, so
neither the settings' repr nor a log line holds a usable key. The log names the role, the
route and the query parameters, never a figure (figures carry no personal data anyway) and
never a value the API refused: a caller's mistyped input is not ours to store.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Request, Response, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from services.reporting.settings import HASHED_KEY_PREFIX, ReportingRole
from services.reporting.signin import Person, SignIn
from shared.platform.problems import ProblemError

log = logging.getLogger("wijkpuls.reporting.access")

API_KEY = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    scheme_name="api-key",
    description="Optional. Without a key the role is publiek (disclosure-controlled figures of "
    "closed periodes at today's peildatum); beleid sees disclosure-controlled figures of every "
    "periode and peildatum; a key issued for the role analist shows small numbers (logged). "
    "An unknown key is refused (401).",
)
BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    bearerFormat="JWT",
    description="Optional. An access token of the gemeente's identity provider (OpenID Connect, "
    "docs/signin.md); the role comes from its role claim. An invalid, expired or foreign "
    "token is refused (401).",
)
LOGGED_PARAMETERS = (
    "periode", "wet", "wijk", "peildatum", "clock", "kind", "historisch", "since", "limit"
)  # fmt: skip


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class Caller:
    role: ReportingRole
    key_id: str | None = None
    """First 12 hex digits of the key's SHA-256: tells keys apart in the log, reveals none."""
    person: Person | None = None
    """The signed-in person (bearer token or page session), docs/signin.md."""


class ApiKeys:
    def __init__(self, keys: Mapping[str, ReportingRole]) -> None:
        self._roles = {
            key.removeprefix(HASHED_KEY_PREFIX)
            if key.startswith(HASHED_KEY_PREFIX)
            else _digest(key): role
            for key, role in keys.items()
        }

    def caller(self, key: str | None) -> Caller | None:
        """The caller a key stands for; publiek without a key; None for an unknown key."""
        if not key:
            return Caller(ReportingRole.PUBLIEK)
        digest = _digest(key)
        role = self._roles.get(digest)
        return Caller(role, digest[:12]) if role else None


async def current_caller(
    request: Request,
    key: Annotated[str | None, Security(API_KEY)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)],
) -> Caller:
    signin: SignIn = request.app.state.signin
    person: Person | None = None
    if bearer is not None:
        person = await signin.from_bearer(bearer.credentials)
    elif not key:
        person = await signin.from_session(request)
    if person is not None:
        signed_in = Caller(person.role, person=person)
        request.state.caller = signed_in
        return signed_in
    api_keys: ApiKeys = request.app.state.reporting.api_keys
    caller = api_keys.caller(key)
    if caller is None:
        raise ProblemError(
            401,
            "unknown-api-key",
            "Unknown API key",
            "leave X-API-Key out to read as publiek, or send a key issued to you",
            [{"field": "X-API-Key", "reason": "not a known key"}],
            headers={"WWW-Authenticate": 'ApiKey header="X-API-Key"'},
        )
    request.state.caller = caller
    return caller


async def access_log(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    started = time.perf_counter()
    status = 500
    try:
        response = await call_next(request)
        status = response.status_code
        return response
    finally:
        _log(request, status, time.perf_counter() - started)


def _log(request: Request, status: int, seconds: float) -> None:
    caller: Caller | None = getattr(request.state, "caller", None)
    template = getattr(request.scope.get("route"), "path", None)
    # The route template, not the raw path: a path a caller made up is not logged.
    route = template or (request.url.path if status < 400 else "(no route)")
    given = [name for name in LOGGED_PARAMETERS if name in request.query_params]
    entry: dict[str, object] = {
        "method": request.method,
        "route": route,
        "status": status,
        "role": caller.role.value if caller else None,
        "key_id": caller.key_id if caller else None,
        "sub": caller.person.subject if caller and caller.person else None,
        "naam": caller.person.name if caller and caller.person else None,
        "duration_ms": round(seconds * 1000, 1),
    }
    zaken = getattr(request.state, "zaakniveau", None)
    if zaken is not None:
        # A read of single zaken (services/reporting/scopes.py): the wijken it covered
        # ("alle" for analist), beside the person, route, zaak_id and query logged below.
        entry["zaakniveau"] = zaken
    small = getattr(request.state, "small_numbers_read", None)
    if small:
        # A read of figures with small numbers is logged like a person-level read
        # (docs/domain.md#small-numbers): the route names what was read, this how many cells.
        entry["kleine_aantallen"] = small
    if status < 400:
        entry["path_params"] = dict(request.path_params)
        entry["query"] = {name: request.query_params[name] for name in given}
    else:
        entry["query_names"] = given
    quiet = entry["route"] in ("/health", "/ready")
    log.log(logging.DEBUG if quiet else logging.INFO, "access", extra=entry)
