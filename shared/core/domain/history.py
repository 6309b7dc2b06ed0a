"""Everything known about one zaak, whatever order and however often its events arrived.

Kafka delivers duplicates and, across producers, out-of-order events; a correction is the same
event type sent again with a later ``time``. The history therefore stores facts as a set in
one canonical order and answers questions through the correction rule of
docs/domain.md#corrections, so that
a replay, a retry and the live stream all see the same zaak.
"""

from __future__ import annotations

import json
from bisect import insort
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.core.domain.fact import SINGLE_VALUED, Fact
from shared.core.domain_config import Wet


@dataclass(frozen=True, slots=True)
class ZaakHistory:
    facts: tuple[Fact, ...] = ()

    def __post_init__(self) -> None:
        unique: dict[tuple[str, str], Fact] = {}
        for fact in self.facts:
            seen = unique.get(fact.key)
            unique[fact.key] = fact if seen is None else _same_id_winner(seen, fact)
        object.__setattr__(self, "facts", tuple(sorted(unique.values(), key=_order)))

    @classmethod
    def of(cls, facts: Iterable[Fact]) -> ZaakHistory:
        return cls(tuple(facts))

    def add(self, fact: Fact) -> ZaakHistory:
        """A new history with ``fact``; a duplicate (same source + id) changes nothing."""
        existing = next((f for f in self.facts if f.key == fact.key), None)
        if existing is not None:
            return self if existing == fact else ZaakHistory((*self.facts, fact))
        facts = list(self.facts)
        insort(facts, fact, key=_order)
        return ZaakHistory(tuple(facts))

    def all(self, event_type: str) -> list[Fact]:
        """Every fact of a multi-valued type (opschortingen, verdagingen, zorg.*), by date."""
        return [f for f in self.facts if f.event_type == event_type]

    def current(self, event_type: str) -> Fact | None:
        """The fact that counts for a single-valued type: latest ``time``, ties greater id."""
        if event_type not in SINGLE_VALUED:
            raise ValueError(f"{event_type} is not single-valued; use all()")
        candidates = self.all(event_type)
        return max(candidates, key=lambda f: (f.time, f.id)) if candidates else None

    def as_of(self, peildatum: date) -> ZaakHistory:
        """The zaak as known on ``peildatum``: facts dated after it do not count.

        The correction rule is applied first: a corrected fact whose current version is dated
        after the peildatum is absent, not replaced by the version it corrected.
        """
        winners = {w.key for t in SINGLE_VALUED if (w := self.current(t)) is not None}
        kept = tuple(
            f
            for f in self.facts
            if f.datum <= peildatum and (f.event_type not in SINGLE_VALUED or f.key in winners)
        )
        return self if kept == self.facts else ZaakHistory(kept)

    @property
    def wet(self) -> Wet | None:
        aangemeld = self.current("zaak.aangemeld")
        return aangemeld.wet if aangemeld else None

    @property
    def latest_datum(self) -> date | None:
        return max((f.datum for f in self.facts), default=None)

    def to_dict(self) -> dict[str, Any]:
        return {"facts": [f.to_dict() for f in self.facts]}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ZaakHistory:
        return cls(tuple(Fact.from_dict(f) for f in raw["facts"]))


def _order(fact: Fact) -> tuple[object, ...]:
    return fact.sort_key


def _same_id_winner(a: Fact, b: Fact) -> Fact:
    """Two different events under one source + id is a sender's error; pick one stably."""
    return max(a, b, key=lambda f: json.dumps(f.to_dict(), sort_keys=True))
