"""One zaak's entry in the zaken table: its fact history and what its alerts have done.

Stored as ``ZaakHistory.to_dict()`` plus an ``alerting`` member (``AlertState`` and the events
partition the zaak lives in, which the schedule is rebuilt by after a rebalance) and, once a
record changed its contribution to a cell, a ``gewijzigd`` member: per cell it changed (the
cells it left included) the latest acceptance time of such a record, in the compact form of
shared/core/kpi/gewijzigd.py (docs/kpis.md#gewijzigd).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shared.core.alerts import AlertState
from shared.core.domain import ZaakHistory
from shared.core.kpi.gewijzigd import ChangeTimes, from_stored, to_stored


@dataclass(frozen=True, slots=True)
class ZaakState:
    history: ZaakHistory
    alerting: AlertState | None = None
    partition: int | None = None
    gewijzigd: ChangeTimes = field(default_factory=dict)

    @classmethod
    def from_table(cls, raw: Mapping[str, Any] | None) -> ZaakState:
        if not raw:
            return cls(ZaakHistory())
        alerting = raw.get("alerting")
        changed = from_stored(raw.get("gewijzigd"))
        if not alerting:
            return cls(ZaakHistory.from_dict(raw), gewijzigd=changed)
        return cls(
            ZaakHistory.from_dict(raw),
            AlertState.from_dict(alerting),
            alerting.get("partition"),
            changed,
        )

    def to_table(self) -> dict[str, Any]:
        value = self.history.to_dict()
        if self.alerting is not None:
            value["alerting"] = {**self.alerting.to_dict(), "partition": self.partition}
        if self.gewijzigd:
            value["gewijzigd"] = to_stored(self.gewijzigd)
        return value


def waiting_entry(raw: Mapping[str, Any] | None) -> tuple[int, date] | None:
    """(partition, next_check) of a stored zaak that waits for a date, read cheaply."""
    alerting = raw.get("alerting") if raw else None
    if not alerting or alerting.get("partition") is None or not alerting.get("next_check"):
        return None
    return int(alerting["partition"]), date.fromisoformat(alerting["next_check"])
