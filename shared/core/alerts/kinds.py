"""The three alert kinds of docs/domain.md#alerts and the stable id of one alert.

An alert is identified by (zaak, clock, kind) alone: however often it is computed, redelivered
or replayed, it gets the same id, so Kafka, Redis and a webhook receiver can all tell a repeat
from a new alert. The namespace below is part of the contract: changing it changes every id.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from functools import lru_cache

ALERT_NAMESPACE = uuid.UUID("5d8f0a3e-2c41-5b7e-9a6d-6b1f0c2e4a77")


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
    return str(uuid.uuid5(ALERT_NAMESPACE, f"{zaak_id}|{clock_id}|{kind.value}"))
