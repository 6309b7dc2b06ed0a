"""People sign in to a service with OpenID Connect (docs/signin.md): who a bearer token or a
page session stands for, and the sign-in routes, shared by the reporting and signals services.

- **API calls**: ``Authorization: Bearer <JWT access token>``, validated against the
  provider's JWKS (shared/platform/oidc.py): signature, issuer, audience, expiry.
- **Pages**: ``/auth/aanmelden`` starts the authorization code flow with PKCE (state, nonce
  and the code verifier kept in Redis for 10 minutes, the state also in a short cookie of the
  browser that started it); ``/auth/callback`` exchanges the code, validates the ID token and
  makes a session: a random id in a signed, HttpOnly, SameSite=Lax (Secure) cookie, the
  person's claims and a random CSRF token in Redis under the id's SHA-256 for
  ``session_ttl_s``. ``POST /auth/afmelden`` ends it (same-origin only, with the token).
- **CSRF**: a page session's state-changing request must come from this site (``same_origin``)
  and carry the session's synchronizer token (``csrf_refusal``): the hidden form field
  ``csrf`` of the service's pages, or the ``X-CSRF-Token`` header of a page script (which
  reads it from the page or from ``/auth/sessie``). A bearer token needs neither.

What differs per service is a ``SignInSite`` (home page, cookie names, Redis key, realm) and
the role a token's role claim values map to (``WebSignIn.role``). Cookies are told apart by
name, not by port (a cookie of 127.0.0.1:8001 is also sent to 127.0.0.1:8002), so each
service has its own cookie names.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import urlencode

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import SecretStr
from redis.asyncio import Redis

from shared.platform.oidc import (
    HTTP_TIMEOUT_S,
    OidcProvider,
    ProviderUnavailableError,
    TokenError,
    roles_from_claims,
)
from shared.platform.problems import ProblemError, problem

STATE_TTL_S = 600
CSRF_FIELD = "csrf"
"""The hidden form field of a page session's synchronizer token."""
CSRF_HEADER = "X-CSRF-Token"
"""The header a page script sends the token in."""
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

RoleT = TypeVar("RoleT", bound=StrEnum)


class SignInSettings(Protocol):
    """The sign-in settings a service gives (its settings section, e.g. ``OidcSettings``)."""

    @property
    def issuer(self) -> str: ...
    @property
    def audience(self) -> str: ...
    @property
    def client_id(self) -> str: ...
    @property
    def client_secret(self) -> SecretStr: ...
    @property
    def redirect_uri(self) -> str: ...
    @property
    def role_claim(self) -> str: ...
    @property
    def name_claim(self) -> str: ...
    @property
    def wijken_claim(self) -> str: ...
    @property
    def session_ttl_s(self) -> int: ...
    @property
    def session_secret(self) -> SecretStr: ...
    @property
    def cookie_secure(self) -> bool: ...


@dataclass(frozen=True)
class SignInSite:
    """What one service's sign-in calls its things."""

    home: str
    """where a sign-out and a foreign ``terug`` land"""
    session_cookie: str
    state_cookie: str
    key_name: str
    """the Redis key part of sessions (pending sign-ins: ``<key_name>-aanmelding``)"""
    realm: str
    """``WWW-Authenticate`` of a refused bearer token"""
    refused_hint: str
    """what a caller with a refused token may send instead"""
    redis: Callable[[Request], Redis]
    """the service's Redis client for this request"""


@dataclass(frozen=True)
class Person(Generic[RoleT]):
    """A signed-in person: what the access log names and what the role allows."""

    role: RoleT
    subject: str
    name: str | None
    wijken: tuple[str, ...] = ()
    csrf: str | None = field(default=None, repr=False, compare=False)
    """A page session's synchronizer token (None for a bearer token): its forms carry it."""


class WebSignIn(ABC, Generic[RoleT]):
    """The provider, the settings and the Redis keys of sessions and pending sign-ins."""

    def __init__(self, settings: SignInSettings, key_prefix: str, site: SignInSite) -> None:
        self.settings = settings
        self.site = site
        self.enabled = bool(settings.issuer)
        self.provider = OidcProvider(settings.issuer)
        self._session_key = f"{key_prefix}wijkpuls:{site.key_name}:"
        self._state_key = f"{key_prefix}wijkpuls:{site.key_name}-aanmelding:"

    @abstractmethod
    def role(self, values: list[str]) -> RoleT:
        """The service's role for the role claim's values."""

    @abstractmethod
    def stored_role(self, value: str) -> RoleT:
        """The role as kept in a session record."""

    def person(self, claims: dict[str, Any]) -> Person[RoleT]:
        role = self.role(roles_from_claims(claims, self.settings.role_claim))
        name = claims.get(self.settings.name_claim)
        wijken = roles_from_claims(claims, self.settings.wijken_claim)
        return Person(
            role, str(claims["sub"]), name if isinstance(name, str) else None, tuple(wijken)
        )

    async def from_bearer(self, token: str) -> Person[RoleT]:
        if not self.enabled:
            raise self._unauthorized("bearer tokens are not accepted here (sign-in is off)")
        try:
            claims = await self.provider.validate(token, self.settings.audience)
        except TokenError as refused:
            raise self._unauthorized(
                f"the token is {refused}" if str(refused) == "expired" else str(refused)
            ) from None
        except ProviderUnavailableError:
            raise ProblemError(
                503, "identity-provider-unavailable", "Identity provider unavailable",
                "the provider's keys could not be read; try again shortly",
            ) from None  # fmt: skip
        return self.person(claims)

    async def from_session(self, request: Request) -> Person[RoleT] | None:
        """The person of a valid session cookie; Redis is asked only when one is sent."""
        session_id = self._session_id(request.cookies.get(self.site.session_cookie))
        if not self.enabled or session_id is None:
            return None
        stored = await self.site.redis(request).get(self._session_key + _digest(session_id))
        if not stored:
            return None
        data = json.loads(stored)
        return Person(
            self.stored_role(data["role"]), data["sub"], data.get("name"), tuple(data["wijken"]),
            data.get("csrf"),
        )  # fmt: skip

    def _unauthorized(self, reason: str) -> ProblemError:
        return ProblemError(
            401, "invalid-token", "Invalid token", self.site.refused_hint,
            [{"field": "Authorization", "reason": reason}],
            headers={"WWW-Authenticate": self.site.realm + ', error="invalid_token"'},
        )  # fmt: skip

    def _sign(self, value: str) -> str:
        key = self.settings.session_secret.get_secret_value().encode()
        mac = hmac.new(key, value.encode(), hashlib.sha256).digest()
        return value + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()

    def _session_id(self, cookie: str | None) -> str | None:
        if not cookie or "." not in cookie:
            return None
        value = cookie.rsplit(".", 1)[0]
        return value if hmac.compare_digest(self._sign(value), cookie) else None


def same_origin(request: Request) -> bool:
    """A state-changing form POST from this site only (CSRF): the browser's ``Origin`` is this
    service's own, and ``Sec-Fetch-Site`` (when sent) says same-origin. A browser sends at
    least one of them on a POST; a request with neither is no browser's cross-site form."""
    origin = request.headers.get("origin")
    fetch_site = request.headers.get("sec-fetch-site")
    own = str(request.base_url).rstrip("/")
    if origin and origin != own:
        return False
    return not (fetch_site and fetch_site not in ("same-origin", "none"))


async def csrf_refusal(
    request: Request, person: Person[Any] | None, *, read_form: bool = True
) -> str | None:
    """Why a page session's state-changing request is refused (Dutch, for the refusal), or
    None when it carries the session's token: the ``X-CSRF-Token`` header, or (``read_form``)
    the form field ``csrf`` of a form body. Compared with ``hmac.compare_digest``. A route
    that streams its body itself passes ``read_form=False``: only the header counts there."""
    expected = person.csrf if person is not None else None
    if not expected:
        return "uw sessie heeft geen formuliertoken; meld u af en opnieuw aan"
    sent = request.headers.get(CSRF_HEADER)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if sent is None and read_form and kind in FORM_TYPES:
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent:
        return "het formulier had geen beveiligingstoken"
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        return "het beveiligingstoken hoort niet bij uw sessie (bijvoorbeeld na opnieuw aanmelden)"
    return None


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _signin(request: Request) -> WebSignIn[Any]:
    signin: WebSignIn[Any] = request.app.state.signin
    return signin


def _redirect_uri(request: Request, signin: WebSignIn[Any]) -> str:
    return signin.settings.redirect_uri or str(request.url_for("signin_callback"))


def _safe_return(path: str | None, home: str) -> str:
    """Only a path on this site (no scheme, no //host): no open redirect."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return home


def _page_problem(status: int, title: str, detail: str) -> JSONResponse:
    return problem(status, "sign-in-failed", title, detail)


router = APIRouter(include_in_schema=False)
"""The sign-in routes; they use ``app.state.signin`` (a ``WebSignIn``)."""


@router.get("/auth/aanmelden")
async def signin_start(request: Request, terug: str | None = None) -> Response:
    signin = _signin(request)
    site = signin.site
    if not signin.enabled:
        return _page_problem(404, "Aanmelden staat uit", "WIJKPULS_OIDC_ISSUER is not set")
    try:
        discovery = await signin.provider.discovery()
    except ProviderUnavailableError:
        return _page_problem(503, "Identiteitsprovider niet bereikbaar", "probeer het zo opnieuw")
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    pending = {"nonce": nonce, "verifier": verifier, "terug": _safe_return(terug, site.home)}
    await site.redis(request).set(signin._state_key + state, json.dumps(pending), ex=STATE_TTL_S)
    query = {
        "client_id": signin.settings.client_id,
        "response_type": "code",
        "scope": "openid profile wijkpuls",
        "redirect_uri": _redirect_uri(request, signin),
        "state": state,
        "nonce": nonce,
        "code_challenge": challenge.rstrip(b"=").decode(),
        "code_challenge_method": "S256",
        "prompt": "login",
    }
    answer = RedirectResponse(f"{discovery.authorization_endpoint}?{urlencode(query)}", 303)
    answer.set_cookie(
        site.state_cookie, state, max_age=STATE_TTL_S, path="/auth", httponly=True,
        secure=signin.settings.cookie_secure, samesite="lax",
    )  # fmt: skip
    return answer


@router.get("/auth/callback", name="signin_callback")
async def signin_callback(
    request: Request, code: str | None = None, state: str | None = None, error: str | None = None
) -> Response:
    signin = _signin(request)
    site = signin.site
    if not signin.enabled:
        return _page_problem(404, "Aanmelden staat uit", "WIJKPULS_OIDC_ISSUER is not set")
    if error or not code or not state:
        return _page_problem(400, "Aanmelden niet gelukt", "de identiteitsprovider gaf geen code")
    if not hmac.compare_digest(request.cookies.get(site.state_cookie, ""), state):
        return _page_problem(
            400, "Aanmelden niet gelukt", "deze aanmelding is in een ander venster begonnen"
        )
    stored = await site.redis(request).getdel(signin._state_key + state)
    if not stored:
        return _page_problem(400, "Aanmelden verlopen", "begin opnieuw bij /auth/aanmelden")
    pending = json.loads(stored)
    try:
        discovery = await signin.provider.discovery()
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as client:
            token = await client.post(
                discovery.token_endpoint,
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": _redirect_uri(request, signin),
                    "code_verifier": pending["verifier"],
                },
                auth=(signin.settings.client_id, signin.settings.client_secret.get_secret_value()),
            )
        if token.status_code != 200:
            return _page_problem(400, "Aanmelden niet gelukt", "de code werd niet aanvaard")
        claims = await signin.provider.validate(
            token.json()["id_token"], signin.settings.client_id, nonce=pending["nonce"]
        )
    except (ProviderUnavailableError, httpx.HTTPError):
        return _page_problem(503, "Identiteitsprovider niet bereikbaar", "probeer het zo opnieuw")
    except (TokenError, KeyError, ValueError):
        return _page_problem(400, "Aanmelden niet gelukt", "het ID-token werd niet aanvaard")
    person = signin.person(claims)
    session_id = secrets.token_urlsafe(32)
    ttl = signin.settings.session_ttl_s
    record = {
        "role": person.role.value,
        "sub": person.subject,
        "name": person.name,
        "wijken": list(person.wijken),
        "csrf": secrets.token_urlsafe(32),
    }
    await site.redis(request).set(
        signin._session_key + _digest(session_id), json.dumps(record), ex=ttl
    )
    answer = RedirectResponse(pending["terug"], 303)
    answer.set_cookie(
        site.session_cookie, signin._sign(session_id), max_age=ttl, path="/", httponly=True,
        secure=signin.settings.cookie_secure, samesite="lax",
    )  # fmt: skip
    answer.delete_cookie(site.state_cookie, path="/auth")
    return answer


@router.post("/auth/afmelden")
async def signout(request: Request) -> Response:
    """Ends the session. Same-origin only (Origin or Sec-Fetch-Site), and with the session's
    token (``csrf_refusal``), so another site cannot sign a person out; the SameSite=Lax
    cookie is not sent on a cross-site POST anyway."""
    if not same_origin(request):
        return _page_problem(403, "Afmelden geweigerd", "alleen vanaf deze site")
    signin = _signin(request)
    site = signin.site
    person = await signin.from_session(request)
    if person is not None and (reason := await csrf_refusal(request, person)):
        return _page_problem(403, "Afmelden geweigerd", reason)
    session_id = signin._session_id(request.cookies.get(site.session_cookie))
    if session_id is not None:
        await site.redis(request).delete(signin._session_key + _digest(session_id))
    answer = RedirectResponse(site.home, 303)
    answer.delete_cookie(
        site.session_cookie,
        path="/",
        secure=signin.settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )
    return answer


@router.get("/auth/sessie")
async def session_info(request: Request) -> JSONResponse:
    """For the pages: who is signed in (no secrets), or that no one is."""
    signin = _signin(request)
    person = await signin.from_session(request)
    body: dict[str, Any] = {"aanmelden_mogelijk": signin.enabled, "aangemeld": person is not None}
    if person is not None:
        body |= {"naam": person.name, "rol": person.role.value, "wijken": list(person.wijken)}
        # for a page script's X-CSRF-Token; no other site can read this answer (no CORS)
        body["csrf"] = person.csrf
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
