"""Bearer tokens of the real identity provider (deploy/local/oidc.sh, panva's oidc-provider) in
the reporting API (docs/signin.md): tokens got through its login form are accepted with the
role of their claim; expired, wrongly signed, wrong-audience, ``alg: none`` and
HS256-with-the-public-key tokens are refused with a 401 problem; an analist's token shows the
small numbers publiek does not see, and the access log names the token's subject and name.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fixtures.demo_figures import demo_figures
from fixtures.oidc_provider import AUDIENCE, ensure_provider, provider_keys, sign_in

from demo import DemoOptions
from services.reporting.app import create_app
from services.reporting.settings import OidcSettings, Settings
from shared.platform.settings import (
    KafkaSettings,
    RedisSettings,
    get_domain_config,
)

pytestmark = pytest.mark.integration

TODAY = date(2027, 1, 10)
URL = "/api/v1/kpi/doorlooptijd"
DOMAIN = get_domain_config()


@pytest.fixture(scope="module")
def issuer() -> str:
    return ensure_provider()


@pytest.fixture(scope="module")
def tokens(issuer: str) -> dict[str, str]:
    """Access tokens of two demo users, through the provider's login form."""
    return {login: sign_in(login).access_token for login in ("analist", "beleid")}


@pytest.fixture(scope="module")
def prefix(redis_url: str) -> Iterator[str]:
    """A small generated half-year in Redis (few zaken per cell: small numbers)."""
    options = DemoOptions(start=date(2026, 1, 1), months=6, seed=7, today=TODAY, scale=0.03)
    with demo_figures(redis_url, options, f"t{uuid.uuid4().hex[:8]}.") as name:
        yield name


@pytest.fixture
async def client(
    redis_url: str, prefix: str, issuer: str, restore_logging: None
) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        kafka=KafkaSettings(topic_prefix=prefix),
        redis=RedisSettings(url=redis_url),
        oidc=OidcSettings(issuer=issuer),
    )
    app = create_app(settings, today=lambda: TODAY)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as c:
            yield c


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": ensure_provider(),
        "aud": AUDIENCE,
        "sub": "demo-analist-0002",
        "name": "Anna Analist",
        "roles": ["wijkpuls.analist"],
        "iat": now,
        "exp": now + 300,
    }
    claims.update(changes)
    return claims


def _provider_signed(claims: dict[str, Any]) -> str:
    """Signed with the provider's own key (var/oidc/jwks.json): only a claim is wrong."""
    jwk = provider_keys()["keys"][0]
    key = jwt.PyJWK.from_dict(jwk)
    return jwt.encode(claims, key.key, algorithm="RS256", headers={"kid": jwk["kid"]})


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _refused(client: httpx.AsyncClient, token: str) -> str:
    """The reason of the 401 problem the token gets."""
    answer = await client.get(URL, headers=_bearer(token))
    assert answer.status_code == 401, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert token not in answer.text
    return str(answer.json())


async def test_a_provider_token_is_accepted_and_a_forged_one_is_not(
    client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    accepted = await client.get(URL, headers=_bearer(tokens["analist"]))
    assert accepted.status_code == 200, accepted.text
    # the same claims, signed with the provider's key but expired (past the 30 s leeway)
    expired = _provider_signed(_claims(iat=int(time.time()) - 900, exp=int(time.time()) - 120))
    assert "expired" in (await _refused(client, expired))
    # another key under the provider's key id
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = provider_keys()["keys"][0]["kid"]
    forged = jwt.encode(_claims(), other, algorithm="RS256", headers={"kid": kid})
    assert "signature" in (await _refused(client, forged))
    # a real token of the provider, for another audience: the ID token (aud = the client)
    id_token = sign_in("analist").id_token
    assert "audience" in (await _refused(client, id_token))
    wrong_aud = _provider_signed(_claims(aud="urn:iets:anders"))
    assert "audience" in (await _refused(client, wrong_aud))
    # alg none, unsigned
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    unsigned = f"{header}.{_b64(json.dumps(_claims()).encode())}."
    assert "none" in (await _refused(client, unsigned))
    # HS256 "signed" with the provider's public key (the classic key confusion)
    public = jwt.PyJWK.from_dict(provider_keys()["keys"][0]).key.public_key()
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = _b64(json.dumps(_claims()).encode())
    mac = hmac.new(pem, f"{head}.{body}".encode(), hashlib.sha256).digest()
    assert "HS256" in (await _refused(client, f"{head}.{body}.{_b64(mac)}"))
    # another issuer, signed with the provider's key
    elsewhere = _provider_signed(_claims(iss="http://elders.example"))
    assert "issuer" in await _refused(client, elsewhere)
    # not a JWT at all
    await _refused(client, "geen-token")


async def test_an_analist_token_sees_small_numbers_publiek_does_not_and_is_logged(
    client: httpx.AsyncClient, tokens: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="wijkpuls.reporting.access"):
        analist = (await client.get(URL, headers=_bearer(tokens["analist"]))).json()["cells"]
        beleid = (await client.get(URL, headers=_bearer(tokens["beleid"]))).json()["cells"]
        publiek = (await client.get(URL)).json()["cells"]
    small = [c for c in analist if isinstance(c["n"], int) and 1 <= c["n"] < 5]
    assert small, "the generated half-year has small numbers"
    assert all("verborgen" not in c for c in analist)
    key = lambda c: (c["wet"], c["wijk"], c["periode"], c.get("clock"))  # noqa: E731
    seen_by_publiek = {key(c): c for c in publiek}
    hidden = [c for c in small if key(c) in seen_by_publiek]
    assert hidden and all(not isinstance(seen_by_publiek[key(c)]["n"], int) for c in hidden)
    assert any("verborgen" in c for c in beleid)
    logged = [r for r in caplog.records if r.name == "wijkpuls.reporting.access"]
    assert [(r.role, r.sub, r.naam) for r in logged] == [  # type: ignore[attr-defined]
        ("analist", "demo-analist-0002", "Anna Analist"),
        ("beleid", "demo-beleid-0001", "Bea Beleid"),
        ("publiek", None, None),
    ]
    assert logged[0].kleine_aantallen >= len(small)  # type: ignore[attr-defined]
