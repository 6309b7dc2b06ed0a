"""Authorization both ways: the JWT the ZGW APIs expect, and the header Open Notificaties sends.

ZGW clients sign their own token: HS256 over {iss, iat, client_id, user_id,
user_representation} with the secret the API's Autorisaties component holds for the client
id. A fresh ``iat`` per request keeps the token inside the API's accepted age.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime

from pydantic import SecretStr

from services.intake.settings import ZgwSettings

USER_REPRESENTATION = "Wijkpuls"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _json(value: dict[str, object]) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def zgw_jwt(
    client_id: str,
    secret: SecretStr,
    iat: int,
    user_id: str | None = None,
    user_representation: str = USER_REPRESENTATION,
) -> str:
    header = _b64(_json({"typ": "JWT", "alg": "HS256"}))
    payload = _b64(
        _json(
            {
                "iss": client_id,
                "iat": iat,
                "client_id": client_id,
                "user_id": user_id or client_id,
                "user_representation": user_representation,
            }
        )
    )
    signing_input = f"{header}.{payload}".encode("ascii")
    key = secret.get_secret_value().encode()
    signature = hmac.new(key, signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def authorization_header(zgw: ZgwSettings) -> Callable[[], str | None]:
    """The Authorization value for each ZGW request: fixed, a fresh JWT, or none."""
    fixed, secret = zgw.authorization, zgw.secret
    if fixed is not None:
        return fixed.get_secret_value
    if secret is not None:
        return lambda: (
            "Bearer " + zgw_jwt(zgw.client_id, secret, int(datetime.now(UTC).timestamp()))
        )
    return lambda: None


def callback_allowed(expected: SecretStr | None, sent: str | None) -> bool:
    """Open Notificaties sends the abonnement's ``auth`` verbatim; unset refuses everything."""
    if expected is None or sent is None:
        return False
    return hmac.compare_digest(expected.get_secret_value().encode(), sent.encode())
