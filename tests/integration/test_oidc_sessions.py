"""The page sign-in of the reporting service (docs/signin.md) against the real provider
(deploy/local/oidc.sh), driven with httpx: the callback makes a session whose cookie reads as
the person's role; a tampered cookie, an expired session, a state from another browser, a
foreign return address and a cross-site sign-out are refused or ignored. The local script:
help, idempotent start, status.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fixtures.oidc_provider import ROOT, SCRIPT, ensure_provider, provider_login

from services.reporting.app import create_app
from services.reporting.settings import OidcSettings, Settings
from shared.platform.settings import Environment, KafkaSettings, RedisSettings

pytestmark = pytest.mark.integration

BASE = "http://127.0.0.1:8001"  # the app runs in-process; the provider redirects here


@pytest.fixture
async def app(redis_url: str) -> AsyncIterator[Any]:
    settings = Settings(
        kafka=KafkaSettings(topic_prefix=f"s{uuid.uuid4().hex[:8]}."),
        redis=RedisSettings(url=redis_url),
        oidc=OidcSettings(issuer=ensure_provider()),
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as c:
        yield c


def _cookie(answer: httpx.Response, name: str) -> str:
    """A Set-Cookie value (httpx keeps Secure cookies from plain http to itself)."""
    for header in answer.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return header.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError(f"no {name} cookie in {answer.headers.get_list('set-cookie')}")


def _jar(**cookies: str | None) -> dict[str, str]:
    """A Cookie header as the browser sends it (httpx's jar keeps Secure cookies to https)."""
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items() if v)}


async def _sign_in(client: httpx.AsyncClient, login: str, terug: str = "/monitor/trends") -> str:
    """The whole flow; the session cookie's value."""
    start = await client.get("/auth/aanmelden", params={"terug": terug})
    assert start.status_code == 303
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["prompt"] == ["login"]
    state_cookie = _cookie(start, "wijkpuls_aanmelding")
    callback = provider_login(start.headers["location"], login, BASE)
    done = await client.get(callback, headers=_jar(wijkpuls_aanmelding=state_cookie))
    assert done.status_code == 303, done.text
    assert done.headers["location"] == (
        terug if terug.startswith("/monitor") else "/monitor/overzicht"
    )
    flags = next(h for h in done.headers.get_list("set-cookie") if h.startswith("wijkpuls_sessie="))
    assert {"HttpOnly", "Secure", "SameSite=lax"} <= {f.strip() for f in flags.split(";")}
    # the code is used up: the same callback again is refused
    again = await client.get(callback, headers=_jar(wijkpuls_aanmelding=state_cookie))
    assert again.status_code == 400
    return _cookie(done, "wijkpuls_sessie")


async def _role(client: httpx.AsyncClient, cookie: str | None) -> str:
    answer = await client.get("/api/v1/wijken", headers=_jar(wijkpuls_sessie=cookie))
    assert answer.status_code == 200, answer.text
    return str(answer.json()["rol"])


async def test_a_session_reads_with_the_role_until_it_ends(app: Any, client: httpx.AsyncClient):
    cookie = await _sign_in(client, "analist")
    assert await _role(client, cookie) == "analist"
    who = (await client.get("/auth/sessie", headers=_jar(wijkpuls_sessie=cookie))).json()
    token = who.pop("csrf")  # the session's CSRF token, for a page script's X-CSRF-Token
    assert isinstance(token, str) and len(token) >= 32
    assert who == {"aanmelden_mogelijk": True, "aangemeld": True, "naam": "Anna Analist",
                   "rol": "analist", "wijken": []}  # fmt: skip
    # a tampered cookie counts for nothing (publiek)
    session_id, mac = cookie.rsplit(".", 1)
    assert await _role(client, f"{session_id}x.{mac}") == "publiek"
    # the session lives in Redis for the session time; when that passed, publiek
    redis = app.state.reporting.redis
    own = app.state.signin._session_key  # this test's prefix
    keys = [k async for k in redis.scan_iter(match=f"{own}*", count=1000)]
    assert len(keys) == 1 and 0 < await redis.ttl(keys[0]) <= 8 * 3600
    await redis.delete(keys[0])
    assert await _role(client, cookie) == "publiek"
    # the team lead's wijken come from the claim; a sign-out from another site is refused
    leader = await _sign_in(client, "teamleider", terug="https://elders.example/")
    who = (await client.get("/auth/sessie", headers=_jar(wijkpuls_sessie=leader))).json()
    assert who["rol"] == "teamleider" and who["wijken"] == ["Helmond-West", "Binnenstad"]
    elsewhere = {**_jar(wijkpuls_sessie=leader), "Origin": "https://elders.example"}
    cross = await client.post("/auth/afmelden", headers=elsewhere)
    assert cross.status_code == 403
    assert await _role(client, leader) == "teamleider"
    here = {**_jar(wijkpuls_sessie=leader), "Origin": BASE}
    # from this site too, only with the session's own token (CSRF)
    for token in ({}, {"X-CSRF-Token": "niet-het-token"}):
        refused = await client.post("/auth/afmelden", headers={**here, **token})
        assert refused.status_code == 403 and "token" in refused.json()["detail"]
    assert await _role(client, leader) == "teamleider"
    out = await client.post("/auth/afmelden", headers={**here, "X-CSRF-Token": who["csrf"]})
    assert out.status_code == 303
    assert await _role(client, leader) == "publiek"


async def test_a_callback_without_this_browsers_state_is_refused(client: httpx.AsyncClient):
    start = await client.get("/auth/aanmelden")
    callback = provider_login(start.headers["location"], "beleid", BASE)
    refused = await client.get(callback, headers=_jar(wijkpuls_aanmelding="een-andere-state"))
    assert refused.status_code == 400
    assert refused.headers["content-type"] == "application/problem+json"
    assert "wijkpuls_sessie" not in refused.headers.get("set-cookie", "")


def test_development_secrets_are_refused_in_production():
    with pytest.raises(ValueError, match="WIJKPULS_OIDC_CLIENT_SECRET"):
        Settings(
            app={"environment": Environment.PRODUCTION},  # type: ignore[arg-type]
            oidc=OidcSettings(issuer="https://login.example"),
        )


def test_the_script_is_idempotent_and_says_its_commands():
    ensure_provider()
    helped = subprocess.run([str(SCRIPT), "--help"], capture_output=True, text=True, check=True)
    assert "start|stop|status|users" in helped.stdout
    wrong = subprocess.run([str(SCRIPT), "onzin"], capture_output=True, text=True)
    assert wrong.returncode == 2
    again = subprocess.run([str(SCRIPT), "start"], cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0 and "starting" not in again.stdout
    status = subprocess.run([str(SCRIPT), "status"], capture_output=True, text=True)
    assert status.returncode == 0 and "discovery document answers" in status.stdout
    users = subprocess.run([str(SCRIPT), "users"], capture_output=True, text=True, check=True)
    assert "wijkpuls.teamleider (wijken: Helmond-West, Binnenstad)" in users.stdout
