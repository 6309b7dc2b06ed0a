"""The signature a webhook receiver checks: HMAC-SHA256 of the exact body with the secret.

Header ``X-Wijkpuls-Signature: sha256=<hex>``. A receiver computes the same over the bytes it
received (before parsing) and compares in constant time; the body holds the event's id and
time, so a receiver that also remembers the ids it saw refuses a replayed delivery too.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Wijkpuls-Signature"
ALERT_ID_HEADER = "X-Wijkpuls-Alert-Id"
ATTEMPT_HEADER = "X-Wijkpuls-Delivery-Attempt"
CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"


def signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, header: str | None) -> bool:
    """What a receiver does; used by the tests and shown in docs/alerts.md."""
    return header is not None and hmac.compare_digest(signature(body, secret), header)


def hook_id(url: str) -> str:
    """A short, stable name of a webhook for keys, groups and logs: its URL may hold a token."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]
