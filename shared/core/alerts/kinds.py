"""The three alert kinds of docs/domain.md#alerts and the stable id of one alert.

An alert is identified by (zaak, clock, kind) alone: however often it is computed, redelivered
or replayed, it gets the same id, so Kafka, Redis and a webhook receiver can all tell a repeat
from a new alert. The namespace below is part of the contract: changing it changes every id.
"""

from __future__ import annotations

import hashlib
import uuid
from enum import StrEnum
from functools import lru_cache

ALERT_NAMESPACE = uuid.UUID("5d8f0a3e-2c41-5b7e-9a6d-6b1f0c2e4a77")
_NAMESPACE_BYTES = ALERT_NAMESPACE.bytes


class AlertKind(StrEnum):
    """In the order they can happen on one clock."""

    WAARSCHUWING = "waarschuwing"
    TERMIJN_OVERSCHREDEN = "termijn-overschreden"
    OPGELOST_NA_TERMIJN = "opgelost-na-termijn"

    @property
    def event_type(self) -> str:
        """The catalog name of the alert event, e.g. ``alert.waarschuwing``."""
        return f"alert.{self.value}"


@lru_cache(maxsize=1 << 16)
def alert_id(zaak_id: str, clock_id: str, kind: AlertKind) -> str:
    """uuid5 of ``zaak|clock|kind``; clock ids and kinds hold no ``|``, so it is unambiguous.

    Kept for the last 65,536 ids: an evaluation asks for every id of the zaak's clocks."""
    return uuid5_text(f"{zaak_id}|{clock_id}|{kind.value}")


def uuid5_text(name: str) -> str:
    """``str(uuid.uuid5(ALERT_NAMESPACE, name))`` without the ``UUID`` object: the SHA-1 of
    namespace and name, its first 16 bytes with the version (5) and the RFC 4122 variant bits
    set, in the 8-4-4-4-12 hex form (docs/performance.md, "KPI worker: issue 14")."""
    digest = hashlib.sha1(_NAMESPACE_BYTES + name.encode(), usedforsecurity=False).digest()
    raw = bytearray(digest[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50
    raw[8] = (raw[8] & 0x3F) | 0x80
    x = raw.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"
