"""API keys kept only as SHA-256, for every HTTP edge that authenticates callers by key.

Why a plain SHA-256 and not a slow or keyed hash: the keys are 256-bit random strings made
by ``new_key``, not passwords a person chose. No hash makes guessing one feasible, so
bcrypt/argon2 would only add CPU to every request (a lever for whoever floods the edge) and a
keyed hash one more secret to guard. The hash only has to make a leaked configuration useless
as a key, and SHA-256 does that.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return secrets.token_urlsafe(32)


def find_by_key(key: str, holders: Iterable[tuple[bytes, T]]) -> T | None:
    """The holder whose stored digest is the key's; every digest is compared in constant time.

    No early exit: the time taken must not tell how many holders there are before the match.
    """
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    found = None
    for stored, holder in holders:
        if hmac.compare_digest(digest, stored):
            found = holder
    return found
