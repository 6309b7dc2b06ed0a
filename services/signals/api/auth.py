"""Who may call the signals service: API keys (SHA-256 only, shared/platform/api_keys.py) and roles.

``Depends(require(role, ...))`` answers 401 without a known key and 403 for a role that may
not use the route. The key comes as ``Authorization: Bearer <key>`` or ``X-API-Key``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from services.signals.settings import (
    Settings,
    SignalsClient,
    SignalsRole,
    development_signals_clients,
)
from shared.platform.api_keys import find_by_key
from shared.platform.problems import ProblemError
from shared.platform.settings import Environment

REALM = 'Bearer realm="wijkpuls-signals"'
_bearer = HTTPBearer(auto_error=False, description="the caller's API key")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="the caller's API key")


def clients_from_settings(settings: Settings) -> list[SignalsClient]:
    """The configured callers; none configured: the development ones, except in production."""
    entries = settings.signals.clients
    if not entries and settings.app.environment is not Environment.PRODUCTION:
        entries = development_signals_clients()
    return list(entries)


def require(*roles: SignalsRole) -> Callable[..., Awaitable[SignalsClient]]:
    async def caller(
        request: Request,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        api_key: Annotated[str | None, Depends(_api_key)],
    ) -> SignalsClient:
        key = bearer.credentials if bearer is not None else api_key
        clients: list[SignalsClient] = request.app.state.signals_clients
        holders = ((bytes.fromhex(c.key_sha256), c) for c in clients)
        found = find_by_key(key, holders) if key else None
        if found is None:
            raise ProblemError(
                401, "not-authenticated", "Not authenticated",
                "send a known API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
                headers={"WWW-Authenticate": REALM},
            )  # fmt: skip
        if found.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise ProblemError(403, "forbidden", "Forbidden", f"this needs the role {allowed}")
        request.state.client = found.name
        return found

    return caller
