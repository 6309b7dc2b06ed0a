"""bereik vroegsignalering and vroegsignalen (docs/domain.md#kpi-bereik-vroegsignalering,
docs/domain.md#kpi-vroegsignalen): one vroegsignaalzaak's figures.

A vroegsignaalzaak (the household case the signals service grouped its signals into) is
kept as a small history of its ``vroegsignaal.*`` events, with duplicates removed and the
correction rule applied, so any arrival order gives the same history:

- a signal is one DDAS Vroegsignaal (``signaal_id``); a second event for the same signal is
  a correction: the latest CloudEvents ``time`` counts, on equal times the greater event id;
- every contactpoging is its own attempt (an event seen twice, same source + id, counts once);
- the resultaat is one fact per zaak, corrected like a signal.

What the zaak adds to the figures is a pure function of that history, written as dated fields
(shared/core/kpi/dated.py) so every peildatum is exact: the state on a peildatum *P* only sees the
facts dated on or before *P*, and a corrected fact only in its current version (dated after
*P*: unknown on *P*, as ``ZaakHistory.as_of`` does for zaken).

Cells carry wet ``wgs``: vroegsignalering is the municipality's duty under the Wgs (art. 3,
Besluit gemeentelijke schuldhulpverlening), so these figures sit beside the Wgs zaken and the
API's ``wet=wgs`` filter finds them. docs/kpis.md has the cells, fields and edge cases.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from shared.core.ddas import HULP_GEACCEPTEERD, Signaalpartner
from shared.core.domain_config import Wet
from shared.core.kpi.cells import day_field, zaak_cells
from shared.core.kpi.dated import State, dated_field

BEREIK, SIGNALEN = "bereik-vroegsignalering", "vroegsignalen"
WET = Wet.WGS.value
ONTVANGEN, CONTACTPOGING, RESULTAAT = (
    "vroegsignaal.ontvangen",
    "vroegsignaal.contactpoging",
    "vroegsignaal.resultaat",
)
KINDS = (ONTVANGEN, CONTACTPOGING, RESULTAAT)

# bereik-vroegsignalering fields (plus one d<days> histogram field per zaak with a contact)
ZAKEN, CONTACT, BEREIKT, GEACCEPTEERD = "zaken", "contact", "bereikt", "geaccepteerd"
MEERVOUDIG, CRISIS = "meervoudig", "crisis"
# vroegsignalen fields: every signal adds to N and to its signaalpartner's field
N, PARTNER = "n", "sp:"


def partner_field(partner: str) -> str:
    return PARTNER + partner


@dataclass(frozen=True, slots=True)
class Version:
    """Which of two events about the same fact is current (docs/domain.md#corrections)."""

    time: datetime
    event_id: str

    def newer_than(self, other: Version) -> bool:
        return (self.time, self.event_id) > (other.time, other.event_id)


@dataclass(frozen=True, slots=True)
class Signal:
    datum: date
    signaalpartner: str
    crisis: bool
    wijk: str
    version: Version


@dataclass(frozen=True, slots=True)
class Attempt:
    datum: date
    bereikt: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    datum: date
    resultaat: str
    version: Version


@dataclass(frozen=True, slots=True)
class VroegsignaalzaakHistory:
    """The current facts of one vroegsignaalzaak; ``add`` is idempotent and order-free."""

    signals: Mapping[str, Signal] = field(default_factory=dict)
    """signaal_id -> its current version."""
    attempts: Mapping[str, Attempt] = field(default_factory=dict)
    """'<source> <event id>' -> the contactpoging (a redelivery has the same key)."""
    outcome: Outcome | None = None

    def add(
        self, kind: str, source: str, event_id: str, time: datetime, data: Mapping[str, Any]
    ) -> VroegsignaalzaakHistory:
        """The history with one event applied; ``kind`` is the catalog name without prefix."""
        datum = _as_date(data["datum"])
        version = Version(time, event_id)
        if kind == ONTVANGEN:
            signal = Signal(
                datum, str(data["signaalpartner"]), bool(data["crisis"]), str(data["wijk"]), version
            )
            current = self.signals.get(data["signaal_id"])
            if current is not None and not version.newer_than(current.version):
                return self
            return replace(self, signals={**self.signals, str(data["signaal_id"]): signal})
        if kind == CONTACTPOGING:
            key = f"{source} {event_id}"
            if key in self.attempts:
                return self
            attempt = Attempt(datum, bool(data["bereikt"]))
            return replace(self, attempts={**self.attempts, key: attempt})
        if kind == RESULTAAT:
            outcome = Outcome(datum, str(data["resultaat"]), version)
            if self.outcome is not None and not version.newer_than(self.outcome.version):
                return self
            return replace(self, outcome=outcome)
        raise ValueError(f"not a vroegsignaal event: {kind}")

    def dates(self) -> set[date]:
        """Every day the zaak's figures can change on: the dates of its current facts."""
        days = {s.datum for s in self.signals.values()} | {a.datum for a in self.attempts.values()}
        return days | ({self.outcome.datum} if self.outcome else set())

    def to_dict(self) -> dict[str, Any]:
        """JSON-able, for the worker's changelog-backed table."""
        return {
            "signals": {
                sid: [s.datum.isoformat(), s.signaalpartner, s.crisis, s.wijk, *_v(s.version)]
                for sid, s in sorted(self.signals.items())
            },
            "attempts": {
                k: [a.datum.isoformat(), a.bereikt] for k, a in sorted(self.attempts.items())
            },
            "outcome": (
                [self.outcome.datum.isoformat(), self.outcome.resultaat, *_v(self.outcome.version)]
                if self.outcome
                else None
            ),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> VroegsignaalzaakHistory:
        if not raw:
            return cls()
        signals = {
            sid: Signal(_as_date(d), partner, crisis, wijk, _version(t, i))
            for sid, (d, partner, crisis, wijk, t, i) in raw["signals"].items()
        }
        attempts = {k: Attempt(_as_date(d), bereikt) for k, (d, bereikt) in raw["attempts"].items()}
        outcome = raw.get("outcome")
        return cls(
            signals,
            attempts,
            Outcome(_as_date(outcome[0]), outcome[1], _version(outcome[2], outcome[3]))
            if outcome
            else None,
        )


def first_signal(signals: Iterable[Signal], ids: Iterable[str]) -> Signal:
    """The case's first signal: earliest signaaldatum, on equal dates the smallest signaal_id.

    The tie rule only picks the wijk deterministically; the date is the same either way.
    """
    return min(zip(signals, ids, strict=True), key=lambda pair: (pair[0].datum, pair[1]))[0]


def state_on(history: VroegsignaalzaakHistory, peildatum: date) -> State:
    """What the zaak adds to both KPIs on ``peildatum``, from the facts dated on or before it."""
    known = {sid: s for sid, s in history.signals.items() if s.datum <= peildatum}
    if not known:
        return {}  # no first signal known yet: the case is not opened on this day
    total: Counter[tuple[str, str]] = Counter()
    first = first_signal(known.values(), known.keys())
    fields = [ZAKEN]
    attempts = [a for a in history.attempts.values() if a.datum <= peildatum]
    if attempts:
        earliest = min(a.datum for a in attempts)
        # A contact recorded before the first signal (a data error) counts as 0 days.
        fields += [CONTACT, day_field(max(0, (earliest - first.datum).days))]
    if any(a.bereikt for a in attempts):
        fields.append(BEREIKT)
    outcome = history.outcome
    if outcome and outcome.datum <= peildatum and outcome.resultaat in HULP_GEACCEPTEERD:
        fields.append(GEACCEPTEERD)
    if len({s.signaalpartner for s in known.values()}) >= 2:
        fields.append(MEERVOUDIG)
    if any(s.crisis for s in known.values()):
        fields.append(CRISIS)
    for cell in zaak_cells(BEREIK, WET, first.wijk, first.datum):
        total.update((cell, f) for f in fields)
    for signal in known.values():
        signal_fields = [N, partner_field(signal.signaalpartner)]
        if signal.crisis:
            signal_fields.append(CRISIS)
        for cell in zaak_cells(SIGNALEN, WET, signal.wijk, signal.datum):
            total.update((cell, f) for f in signal_fields)
    return total


def vroegsignaalzaak_contribution(history: VroegsignaalzaakHistory) -> dict[tuple[str, str], int]:
    """Dated increments of both KPIs: the state's change on each day it can change."""
    return dated_changes(history.dates(), lambda day: state_on(history, day))


def dated_changes(
    days: Iterable[date], state: Callable[[date], State]
) -> dict[tuple[str, str], int]:
    """``state`` must be constant between the given days (shared/core/kpi/dated.py, generalised
    from a ZaakHistory to any set of change days)."""
    increments: dict[tuple[str, str], int] = {}
    before: Counter[tuple[str, str]] = Counter()
    for day in sorted(set(days)):
        now = Counter(state(day))
        change = Counter(now)
        change.subtract(before)
        for (cell, name), inc in change.items():
            if inc:
                increments[(cell, dated_field(name, day))] = inc
        before = now
    return increments


SIGNAALPARTNERS = tuple(p.value for p in Signaalpartner)


def _v(version: Version) -> list[str]:
    return [version.time.isoformat(), version.event_id]


def _version(time: str, event_id: str) -> Version:
    return Version(datetime.fromisoformat(time), event_id)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
