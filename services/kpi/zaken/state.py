"""One zaak's entry in the zaken table: its fact history and what its alerts have done.

Stored as ``ZaakHistory.to_dict()`` plus an ``alerting`` member (``AlertState`` and the events
partition the zaak lives in, which the schedule is rebuilt by after a rebalance).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.core.alerts import AlertState
from shared.core.domain import ZaakHistory


@dataclass(frozen=True, slots=True)
class ZaakState:
    history: ZaakHistory
    alerting: AlertState | None = None
    partition: int | None = None

    @classmethod
    def from_table(cls, raw: Mapping[str, Any] | None) -> ZaakState:
        if not raw:
            return cls(ZaakHistory())
        alerting = raw.get("alerting")
        if not alerting:
            return cls(ZaakHistory.from_dict(raw))
        return cls(
            ZaakHistory.from_dict(raw), AlertState.from_dict(alerting), alerting.get("partition")
        )

    def to_table(self) -> dict[str, Any]:
        value = self.history.to_dict()
        if self.alerting is not None:
            value["alerting"] = {**self.alerting.to_dict(), "partition": self.partition}
        return value


def waiting_entry(raw: Mapping[str, Any] | None) -> tuple[int, date] | None:
    """(partition, next_check) of a stored zaak that waits for a date, read cheaply."""
    alerting = raw.get("alerting") if raw else None
    if not alerting or alerting.get("partition") is None or not alerting.get("next_check"):
        return None
    return int(alerting["partition"]), date.fromisoformat(alerting["next_check"])
