"""Authorization both ways: the JWT the ZGW APIs expect, and the header Open Notificaties sends.

ZGW clients sign their own token: HS256 over {iss, iat, client_id, user_id,
user_representation} with the secret the API's Autorisaties component holds for the client
id. A fresh ``iat`` per request keeps the token inside the API's accepted age.
"""

from __future__ import annotations

import hmac
import warnings
from collections.abc import Callable
from datetime import UTC, datetime

import jwt
from jwt.warnings import InsecureKeyLengthWarning
from pydantic import SecretStr

from services.intake.settings import ZgwSettings

USER_REPRESENTATION = "Wijkpuls"


def zgw_jwt(
    client_id: str,
    secret: SecretStr,
    iat: int,
    user_id: str | None = None,
    user_representation: str = USER_REPRESENTATION,
) -> str:
    """The token, signed by PyJWT. The header keeps the order of the ZGW documentation's example
    (typ, alg): the same token byte for byte, which the unit test checks."""
    claims = {
        "iss": client_id,
        "iat": iat,
        "client_id": client_id,
        "user_id": user_id or client_id,
        "user_representation": user_representation,
    }
    with warnings.catch_warnings():
        # The secret is the one the ZGW API's Autorisaties component issued for our client id,
        # not ours to lengthen; PyJWT's advice on HMAC key length would repeat on every call.
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        return jwt.encode(claims, secret.get_secret_value(), algorithm="HS256", sort_headers=False)


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
