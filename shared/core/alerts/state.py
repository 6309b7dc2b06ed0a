"""What the worker remembers per zaak about its alerts, JSON-able for a faust table.

``first_seen`` is the Europe/Amsterdam date of the earliest Kafka record of the zaak: the
moment Wijkpuls' intake accepted it. The record timestamp is kept in the log, so a replay of
the topics finds the same date (a worker's own processing date would not survive one).

``emitted`` holds the ids of the alerts pushed (the log: never taken back, never pushed
again). ``historisch`` holds the ids of the zaak's historisch view as last written to Redis and
``view`` a digest of its entries, so the view is written again only when it changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.core.alerts.decide import DueAlert


@dataclass(frozen=True, slots=True)
class AlertState:
    first_seen: date
    emitted: frozenset[str] = frozenset()
    next_check: date | None = None
    historisch: frozenset[str] = frozenset()
    view: str | None = None

    def seen_on(self, day: date) -> AlertState:
        """The zaak has a record from ``day``; the earliest one counts."""
        return self if day >= self.first_seen else replace(self, first_seen=day)

    def after(
        self,
        given: Iterable[str],
        next_check: date | None,
        historisch: Sequence[DueAlert] | None = None,
    ) -> AlertState:
        """After an evaluation: ``given`` pushed, and (when given) the historisch view."""
        state = replace(self, emitted=self.emitted | frozenset(given), next_check=next_check)
        if historisch is None:
            return state
        ids = frozenset(a.alert_id for a in historisch)
        return replace(state, historisch=ids, view=view_digest(historisch))

    def to_dict(self) -> dict[str, Any]:
        raw: dict[str, Any] = {
            "first_seen": self.first_seen.isoformat(),
            "emitted": sorted(self.emitted),
            "next_check": self.next_check.isoformat() if self.next_check else None,
        }
        if self.historisch:
            raw["historisch"] = sorted(self.historisch)
        if self.view is not None:
            raw["view"] = self.view
        return raw

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> AlertState:
        next_check = raw.get("next_check")
        return cls(
            first_seen=date.fromisoformat(raw["first_seen"]),
            emitted=frozenset(raw.get("emitted", ())),
            next_check=date.fromisoformat(next_check) if next_check else None,
            historisch=frozenset(raw.get("historisch", ())),
            view=raw.get("view"),
        )


def view_digest(alerts: Sequence[DueAlert]) -> str | None:
    """A short digest of a historisch view's entries; None for an empty view.

    The worker asks twice for one evaluation's view (to compare, then to keep), so the last
    answer is kept for the same (immutable) tuple of alerts."""
    if not alerts:
        return None
    if _LAST and _LAST[0][0] is alerts:
        return _LAST[0][1]
    entries = sorted(_ENCODER.encode([a.event_type, a.data()]) for a in alerts)
    digest = hashlib.sha256("\n".join(entries).encode()).hexdigest()[:16]
    if isinstance(alerts, tuple):  # immutable: the same object has the same digest
        _LAST[:] = [(alerts, digest)]
    return digest


_ENCODER = json.JSONEncoder(sort_keys=True)
"""What ``json.dumps(..., sort_keys=True)`` builds on every call."""
_LAST: list[tuple[tuple[DueAlert, ...], str]] = []
"""The last tuple of alerts digested (held, so its id is not reused) and its digest."""
