"""One fact about a zaak: the part of a lifecycle event the clocks and KPIs need.

A fact keeps the CloudEvents identity (source + id) for de-duplication and ``time`` for the
correction rule, the business date ``datum`` for every figure, and only the data attributes
some rule reads. It serialises to a JSON-able dict so a faust table can hold it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from shared.core.domain_config import Wet

TYPE_PREFIX = "nl.helmond.sociaaldomein."

# docs/domain.md#corrections: of these only the event with the latest time counts (a correction
# replaces it).
SINGLE_VALUED = frozenset(
    {
        "zaak.aangemeld",
        "zaak.aanvraag-ontvangen",
        "zaak.onderzoek-afgerond",
        "zaak.eerste-contact",
        "zaak.besloten",
        "zaak.afgesloten",
    }
)
_ATTRS = (
    "wet", "soort", "crisis", "uitkomst", "dagen", "verwezen", "wijk", "huishouden",
    "toewijzingnummer",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Fact:
    event_type: str
    source: str
    id: str
    time: datetime
    datum: date
    wet: Wet | None = None
    soort: str | None = None
    crisis: bool | None = None
    uitkomst: str | None = None
    dagen: int | None = None
    verwezen: bool | None = None
    wijk: str | None = None
    huishouden: str | None = None
    toewijzingnummer: str | None = None

    def __post_init__(self) -> None:
        if self.time.tzinfo is None or self.time.utcoffset() is None:
            raise ValueError(f"fact {self.source}/{self.id}: time must carry a UTC offset")
        # One spelling per instant, so a redelivery in another offset serialises identically.
        object.__setattr__(self, "time", self.time.astimezone(UTC))
        if self.event_type.startswith(TYPE_PREFIX):
            object.__setattr__(self, "event_type", self.event_type.removeprefix(TYPE_PREFIX))
        if self.wet is not None and not isinstance(self.wet, Wet):
            object.__setattr__(self, "wet", Wet(self.wet))

    @property
    def key(self) -> tuple[str, str]:
        """CloudEvents identity: the same source + id is the same event, however often sent."""
        return (self.source, self.id)

    @property
    def sort_key(self) -> tuple[date, str, datetime, str, str]:
        """A total order on distinct facts, so any arrival order gives one stored history."""
        return (self.datum, self.event_type, self.time, self.source, self.id)

    @classmethod
    def from_event(
        cls, event_type: str, source: str, id: str, time: datetime, data: Mapping[str, Any]
    ) -> Fact:
        """From a validated event's envelope and ``data``; attributes no rule reads are dropped."""
        picked = {name: data[name] for name in _ATTRS if data.get(name) is not None}
        return cls(event_type, source, id, time, _as_date(data["datum"]), **picked)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": self.event_type,
            "source": self.source,
            "id": self.id,
            "time": self.time.isoformat(),
            "datum": self.datum.isoformat(),
        }
        for name in _ATTRS:
            value = getattr(self, name)
            if value is not None:
                out[name] = str(value) if isinstance(value, Wet) else value
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Fact:
        unknown = set(raw) - {"type", "source", "id", "time", "datum", *_ATTRS}
        if unknown:
            raise ValueError(f"unknown fact fields {sorted(unknown)}")
        attrs = {name: raw[name] for name in _ATTRS if raw.get(name) is not None}
        return cls(
            raw["type"],
            raw["source"],
            raw["id"],
            datetime.fromisoformat(raw["time"]),
            _as_date(raw["datum"]),
            **attrs,
        )


def _as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        raise ValueError("datum is a date, not a datetime")
    return value if isinstance(value, date) else date.fromisoformat(value)
