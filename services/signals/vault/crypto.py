"""Encryption of the vault's identity fields with Fernet (AES-128-CBC + HMAC-SHA256).

Fernet from the maintained ``cryptography`` library rather than anything hand-made: it
authenticates what it encrypts, so a changed database value fails to decrypt instead of
yielding a wrong name. ``MultiFernet`` reads tokens of an older key during a key rotation.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

from cryptography.fernet import Fernet, MultiFernet
from pydantic import SecretStr

from services.signals.rules.validation import Identity


class IdentityCipher:
    def __init__(self, key: SecretStr, *old_keys: SecretStr) -> None:
        keys = [Fernet(k.get_secret_value()) for k in (key, *old_keys)]
        self._fernet = MultiFernet(keys)

    def encrypt(self, identity: Identity) -> bytes:
        fields = {k: v for k, v in asdict(identity).items() if v is not None}
        if identity.geboortedatum is not None:
            fields["geboortedatum"] = identity.geboortedatum.isoformat()
        return self._fernet.encrypt(json.dumps(fields, sort_keys=True).encode())

    def decrypt(self, token: bytes) -> Identity:
        fields = json.loads(self._fernet.decrypt(token))
        if "geboortedatum" in fields:
            fields["geboortedatum"] = date.fromisoformat(fields["geboortedatum"])
        return Identity(**fields)
