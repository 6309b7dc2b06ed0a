"""What the worker remembers per zaak about its alerts, JSON-able for a faust table.

``first_seen`` is the Europe/Amsterdam date of the earliest Kafka record of the zaak: the
moment Wijkpuls' intake accepted it. The record timestamp is kept in the log, so a replay of
the topics finds the same date (a worker's own processing date would not survive one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class AlertState:
    first_seen: date
    emitted: frozenset[str] = frozenset()
    next_check: date | None = None

    def seen_on(self, day: date) -> AlertState:
        """The zaak has a record from ``day``; the earliest one counts."""
        return self if day >= self.first_seen else replace(self, first_seen=day)

    def after(self, given: Iterable[str], next_check: date | None) -> AlertState:
        return replace(self, emitted=self.emitted | frozenset(given), next_check=next_check)

    def to_dict(self) -> dict[str, Any]:
        return {
            "first_seen": self.first_seen.isoformat(),
            "emitted": sorted(self.emitted),
            "next_check": self.next_check.isoformat() if self.next_check else None,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> AlertState:
        next_check = raw.get("next_check")
        return cls(
            first_seen=date.fromisoformat(raw["first_seen"]),
            emitted=frozenset(raw.get("emitted", ())),
            next_check=date.fromisoformat(next_check) if next_check else None,
        )
