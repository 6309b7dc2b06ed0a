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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from shared.core.domain.fact import SINGLE_VALUED, Fact
from shared.core.domain_config import Wet

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class ZaakHistory:
    facts: tuple[Fact, ...] = ()
    _memo: dict[object, Any] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )
    """Answers already computed from these (immutable) facts: the winners per type, the
    facts per type, ``as_of`` per peildatum and the clocks (``memoised``). Never stored."""

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

    def memoised(self, key: object, make: Callable[[], _T]) -> _T:
        """``make()``, computed once per history: a pure function of the facts only."""
        memo = self._memo
        if key in memo:
            return memo[key]  # type: ignore[no-any-return]
        value = memo[key] = make()
        return value

    def _by_type(self) -> dict[str, tuple[Fact, ...]]:
        by_type = self._memo.get(_BY_TYPE)
        if by_type is None:
            lists: dict[str, list[Fact]] = {}
            for fact in self.facts:
                lists.setdefault(fact.event_type, []).append(fact)
            by_type = self._memo[_BY_TYPE] = {t: tuple(fs) for t, fs in lists.items()}
        return by_type

    def _winners(self) -> dict[str, Fact]:
        winners = self._memo.get(_WINNERS)
        if winners is None:
            winners = self._memo[_WINNERS] = {
                t: max(fs, key=_version) for t, fs in self._by_type().items() if t in SINGLE_VALUED
            }
        return winners

    def all(self, event_type: str) -> list[Fact]:
        """Every fact of a multi-valued type (opschortingen, verdagingen, zorg.*), by date."""
        return list(self._by_type().get(event_type, ()))

    def current(self, event_type: str) -> Fact | None:
        """The fact that counts for a single-valued type: latest ``time``, ties greater id."""
        if event_type not in SINGLE_VALUED:
            raise ValueError(f"{event_type} is not single-valued; use all()")
        return self._winners().get(event_type)

    def as_of(self, peildatum: date) -> ZaakHistory:
        """The zaak as known on ``peildatum``: facts dated after it do not count.

        The correction rule is applied first: a corrected fact whose current version is dated
        after the peildatum is absent, not replaced by the version it corrected.
        """
        memo = self._memo
        key = (_AS_OF, peildatum)
        found = memo.get(key)
        if found is None:
            found = self._as_of(peildatum)
            memo[key] = _SAME if found is self else found  # no cycle: freed by refcount
        return self if found is _SAME else found

    def _as_of(self, peildatum: date) -> ZaakHistory:
        winners = {w.key for w in self._winners().values()}
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


_BY_TYPE = object()
_WINNERS = object()
_AS_OF = object()
_SAME = object()


def _version(fact: Fact) -> tuple[object, ...]:
    return (fact.time, fact.id)


def _order(fact: Fact) -> tuple[object, ...]:
    return fact.sort_key


def _same_id_winner(a: Fact, b: Fact) -> Fact:
    """Two different events under one source + id is a sender's error; pick one stably."""
    return max(a, b, key=lambda f: json.dumps(f.to_dict(), sort_keys=True))
