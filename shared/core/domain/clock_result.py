"""What a legal clock says about one zaak, with the steps that explain its due date.

A team lead who sees a due date must be able to see why it is that date: which opschorting
or verdaging moved it, which one came too late to count, and which feestdagen the Atw shift
skipped. So the result carries its reasoning as plain-language steps next to the figures.

Two dates say when a clock ended (docs/domain.md#clock-endings):
``stopped`` is the clock's OWN stopping event, which doorlooptijd, tijdig beslist and the STH
KPIs read; ``end`` is where the clock ended for open over termijn and the alerts: the own
stopping event when known, else the earliest of ``zaak.afgesloten`` and (for a step before
the besluit) ``zaak.besloten`` dated on or after the start. ``ended_by`` names its event type.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Literal

from shared.core.domain_config import Wet

StepKind = Literal["term", "opschorting", "hervat", "verdaging", "atw-shift", "stop", "einde"]
"""``stop``: the own stopping event; ``einde``: another event that ended the clock."""


@dataclass(frozen=True, slots=True)
class Step:
    """One move (or non-move) of the due date; ``due`` is the due date after this step."""

    kind: StepKind
    datum: date
    tot: date | None
    days: int
    counted: bool
    due: date
    reason: str


@dataclass(frozen=True, slots=True)
class ClockResult:
    clock_id: str
    wet: Wet
    start: date
    due: date
    due_before_shift: date
    stopped: date | None
    """The clock's own stopping event (doorlooptijd, tijdig beslist, STH); None while unknown."""
    end: date | None
    """Where the clock ended: ``stopped``, or else the substitute end; None while it runs."""
    ended_by: str | None
    """The event type of ``end`` (e.g. ``zaak.afgesloten``); None while the clock runs."""
    uitkomst: str | None
    ingetrokken: bool
    crisis: bool
    counted_suspended_days: int
    suspended_now: bool
    warning_on: date | None
    peildatum: date | None
    steps: tuple[Step, ...]

    @property
    def tijdig(self) -> bool | None:
        """Stopped on or before the due date; None while the clock runs.

        Still computed for an ingetrokken besluit: the KPI layer leaves those out through
        ``counts_for_kpi`` rather than by a missing value, so running and withdrawn differ.
        """
        return None if self.stopped is None else self.stopped <= self.due

    @property
    def doorlooptijd(self) -> int | None:
        """Calendar days start -> stop minus the suspended days that moved the due date."""
        if self.stopped is None:
            return None
        return (self.stopped - self.start).days - self.counted_suspended_days

    @property
    def counts_for_kpi(self) -> bool:
        """Whether this stop enters doorlooptijd and tijdig: stopped and not ingetrokken."""
        return self.stopped is not None and not self.ingetrokken

    @property
    def ended_late(self) -> bool | None:
        """Ended (own stop or substitute end) after the due date; None while the clock runs."""
        return None if self.end is None else self.end > self.due

    def overdue_on(self, peildatum: date) -> bool:
        """Open over termijn on ``peildatum``: due before it and not ended by then.

        Exact only for a result computed with that peildatum (facts dated later excluded).
        """
        ended_by_then = self.end is not None and self.end <= peildatum
        return self.due < peildatum and not ended_by_then

    def days_over(self, peildatum: date) -> int:
        """Days past the due date on ``peildatum``, or at the end if that came first."""
        end = self.end if self.end is not None and self.end <= peildatum else peildatum
        return max(0, (end - self.due).days)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able, for Redis lists and alert payloads."""
        raw = asdict(self)
        raw["wet"] = str(self.wet)
        raw.update(tijdig=self.tijdig, doorlooptijd=self.doorlooptijd)
        return {key: _iso_dates(value) for key, value in raw.items()}


def _iso_dates(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _iso_dates(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_iso_dates(v) for v in value]
    return value
