"""The intake's authentication as a FastAPI dependency, for every route that takes data.

``client: AuthenticatedClient`` in a route's signature answers 401 (with WWW-Authenticate)
without a key or with an unknown one; the route then checks the client's allow-list per event
(``Client.refusals``). The key comes as ``Authorization: Bearer <key>`` or ``X-API-Key``.
The registry is ``app.state.clients`` (set by ``install``); an app that did not set it gets
the one of the current settings, so an adapter router mounted anywhere is never left open.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from services.intake.credentials import Client, ClientRegistry
from services.intake.settings import Settings, get_settings
from shared.platform.problems import ProblemError

REALM = 'Bearer realm="wijkpuls-intake"'
_bearer = HTTPBearer(auto_error=False, description="the client's API key")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="the client's API key")


def install(app: FastAPI, settings: Settings) -> ClientRegistry:
    app.state.clients = ClientRegistry.from_settings(settings)
    return app.state.clients  # type: ignore[no-any-return]


def registry(request: Request) -> ClientRegistry:
    found = getattr(request.app.state, "clients", None)
    if found is None:
        found = request.app.state.clients = ClientRegistry.from_settings(get_settings())
    return found


async def authenticated_client(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Client:
    key = bearer.credentials if bearer is not None else api_key
    if not key:
        raise ProblemError(
            401,
            "not-authenticated",
            "Not authenticated",
            "send the API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
            headers={"WWW-Authenticate": REALM},
        )
    client = registry(request).identify(key)
    if client is None:
        raise ProblemError(
            401,
            "not-authenticated",
            "Unknown API key",
            "this key belongs to no client of the intake",
            headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
        )
    request.state.client = client.name  # for the access log
    return client


AuthenticatedClient = Annotated[Client, Depends(authenticated_client)]
