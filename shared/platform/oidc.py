"""OpenID Connect plumbing: the provider's discovery document and JWKS, and the validation of
the JWTs it signs (docs/signin.md).

Validation is PyJWT's (``jwt.decode``): the signature against the provider's published keys,
the issuer, the audience and the expiry, all required. Only asymmetric algorithms are
accepted, each only with a key of its own kind, so ``alg: none`` and an HS256 token "signed"
with the public key are refused before any key is looked at. Unknown key ids make the JWKS be
fetched again (key rotation), at most once per ``refetch_after_s``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from jwt import PyJWK, PyJWKSet

# Asymmetric only: never "none", never an HMAC algorithm (a public key is not a secret).
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
LEEWAY_S = 30  # clock skew between the provider and us
HTTP_TIMEOUT_S = 5.0


class TokenError(Exception):
    """A token that is not accepted; the message names the reason, never the token."""


class ProviderUnavailableError(Exception):
    """The provider's discovery document or keys could not be read."""


@dataclass(frozen=True)
class Discovery:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None = None


@dataclass
class OidcProvider:
    """One provider (issuer): its discovery document and signing keys, fetched lazily."""

    issuer: str
    refetch_after_s: float = 60.0
    _discovery: Discovery | None = None
    _keys: dict[str, PyJWK] = field(default_factory=dict)
    _fetched_at: float = -1e9
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def discovery(self) -> Discovery:
        if self._discovery is None:
            url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
            document = await _get_json(url)
            if document.get("issuer") != self.issuer:
                raise ProviderUnavailableError("the discovery document names another issuer")
            try:
                self._discovery = Discovery(
                    issuer=document["issuer"],
                    authorization_endpoint=document["authorization_endpoint"],
                    token_endpoint=document["token_endpoint"],
                    jwks_uri=document["jwks_uri"],
                    end_session_endpoint=document.get("end_session_endpoint"),
                )
            except KeyError as missing:
                raise ProviderUnavailableError(f"discovery document without {missing}") from None
        return self._discovery

    async def key(self, kid: str | None) -> PyJWK:
        found = self._keys.get(kid or "")
        if found is None and time.monotonic() - self._fetched_at >= self.refetch_after_s:
            async with self._lock:
                if time.monotonic() - self._fetched_at >= self.refetch_after_s:
                    await self._fetch_keys()
            found = self._keys.get(kid or "")
        if found is None and kid is None and len(self._keys) == 1:
            found = next(iter(self._keys.values()))
        if found is None:
            raise TokenError("signed with a key the provider does not publish")
        return found

    async def _fetch_keys(self) -> None:
        discovery = await self.discovery()
        document = await _get_json(discovery.jwks_uri)
        try:
            keys = PyJWKSet.from_dict(dict(document))
        except jwt.PyJWKSetError as error:
            raise ProviderUnavailableError(f"unusable JWKS: {error}") from None
        self._keys = {
            key.key_id or "": key for key in keys.keys if key.public_key_use in (None, "sig")
        }
        self._fetched_at = time.monotonic()

    async def validate(
        self,
        token: str,
        audience: str,
        *,
        nonce: str | None = None,
        required: Sequence[str] = ("exp", "iat", "iss", "aud", "sub"),
    ) -> dict[str, Any]:
        """The token's claims when its signature, issuer, audience and expiry hold."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError:
            raise TokenError("not a JWT") from None
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise TokenError(f"algorithm {str(algorithm)[:16]!r} is not accepted")
        key = await self.key(header.get("kid"))
        if key.algorithm_name != algorithm and not _same_family(key, algorithm):
            raise TokenError("the algorithm does not fit the key")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=[algorithm],
                audience=audience,
                issuer=self.issuer,
                leeway=LEEWAY_S,
                options={"require": list(required)},
            )
        except jwt.ExpiredSignatureError:
            raise TokenError("expired") from None
        except jwt.InvalidAudienceError:
            raise TokenError("for another audience") from None
        except jwt.InvalidIssuerError:
            raise TokenError("from another issuer") from None
        except jwt.InvalidSignatureError:
            raise TokenError("signature does not verify") from None
        except jwt.MissingRequiredClaimError as error:
            raise TokenError(f"without the claim {error.claim}") from None
        except jwt.PyJWTError as error:
            raise TokenError(f"invalid: {type(error).__name__}") from None
        if nonce is not None and claims.get("nonce") != nonce:
            raise TokenError("nonce does not match")
        return claims


def _same_family(key: PyJWK, algorithm: str) -> bool:
    kinds = {"RSA": ("RS", "PS"), "EC": ("ES",)}
    return algorithm.startswith(kinds.get(str(key.key_type), ("-",)))


async def _get_json(url: str) -> Mapping[str, Any]:
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as client:
            answer = await client.get(url)
            answer.raise_for_status()
            document: Mapping[str, Any] = answer.json()
            return document
    except (httpx.HTTPError, ValueError) as error:
        raise ProviderUnavailableError(f"{url}: {type(error).__name__}") from None


def roles_from_claims(claims: Mapping[str, Any], claim: str) -> list[str]:
    """The claim's values as strings: a list, or one string (space separated)."""
    value = claims.get(claim)
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []
