"""The one keyed pseudonymisation function both edges (intake, signals) use
(docs/domain.md#privacy).

HMAC-SHA256 with a secret key: without the key a pseudonym cannot be recomputed from a
guessed BSN or address, which a plain hash would allow (BSNs are a small, checkable space).
The key version is part of the pseudonym so a key rotation can run side by side.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import date
from enum import StrEnum

from pydantic import SecretStr


class Kind(StrEnum):
    PERSON = "p"
    HUISHOUDEN = "hh"
    SIGNAAL = "vs"  # a signaalpartner's own signal id, which may hold a customer number


def _normalise(text: str) -> str:
    """Case, accents and spacing must not split one household or person in two."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]", "", folded.casefold())


class Pseudonymiser:
    def __init__(self, key: SecretStr, key_version: str) -> None:
        self._key = key.get_secret_value().encode()
        self.key_version = key_version

    def pseudonym(self, kind: Kind, *parts: str) -> str:
        # Domain separation: the kind and a field separator are part of the message, so a
        # household and a person never share a pseudonym and ("ab","c") != ("a","bc").
        message = "\x1f".join([kind.value, *(_normalise(p) for p in parts)]).encode()
        digest = hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]
        return f"{kind.value}-{self.key_version}-{digest}"

    def huishouden(self, postcode: str, huisnummer: str | int, toevoeging: str | None) -> str:
        return self.pseudonym(Kind.HUISHOUDEN, postcode, str(huisnummer), toevoeging or "")

    def signaal(self, signaalpartner: str, signaal_id: str) -> str:
        return self.pseudonym(Kind.SIGNAAL, signaalpartner, signaal_id)

    def person_from_bsn(self, bsn: str) -> str:
        return self.pseudonym(Kind.PERSON, "bsn", bsn)

    def person_from_identity(
        self,
        achternaam: str,
        geboortedatum: date,
        postcode: str,
        huisnummer: str | int,
        toevoeging: str | None,
    ) -> str:
        return self.pseudonym(
            Kind.PERSON,
            "id",
            achternaam,
            geboortedatum.isoformat(),
            postcode,
            str(huisnummer),
            toevoeging or "",
        )
