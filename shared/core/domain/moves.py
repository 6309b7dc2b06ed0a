"""How opschortingen and verdagingen move a besluit clock's due date (docs/domain.md#clock-rules).

Taken in date order from due = start + term, each moves the due date only if it starts on or
before the due date as it stands then, Atw shift included: once the term has run out, a later
opschorting or verdaging cannot revive it. The due date only grows, so the order of moves on
the same day does not matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from shared.core.domain.calendar import AtwCalendar
from shared.core.domain.clock_result import Step, StepKind
from shared.core.domain.history import ZaakHistory
from shared.core.domain.suspension import Suspension, pair_suspensions


@dataclass(frozen=True, slots=True)
class Moved:
    due: date
    counted_suspended_days: int
    suspended_now: bool
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class _Move:
    kind: StepKind
    datum: date
    tot: date | None
    days: int
    what: str
    ignored: str | None = None  # why it cannot count, whatever the due date
    open: bool = False


def apply_moves(
    due: date,
    start: date,
    end: date,
    ended: str | None,
    history: ZaakHistory,
    cal: AtwCalendar,
) -> Moved:
    """Move ``due`` by the zaak's suspensions and verdagingen inside [start, end].

    ``end`` is where the clock ended (its stop, or the event that ended it without one, named
    by ``ended``, e.g. "het besluit"), or while the clock runs (``ended`` None) the peildatum:
    an open suspension runs to it, and facts after the end no longer concern the clock.
    """
    counted_days, suspended_now, steps = 0, False, []
    for move in _moves(start, end, ended or "de peildatum", history):
        shifted = cal.next_werkdag_on_or_after(due)
        counts = move.ignored is None and move.datum <= shifted
        if move.ignored is not None:
            reason = f"{move.what} {move.ignored}"
        elif counts:
            due += timedelta(days=move.days)
            reason = (
                f"{move.what} begon op of voor de termijn ({shifted}) en telt: termijn nu {due}"
            )
        else:
            reason = f"{move.what} begon na de termijn ({shifted}) en telt niet"
        if move.kind == "opschorting":
            counted_days += move.days if counts else 0
            suspended_now = suspended_now or (move.open and ended is None)
        steps.append(Step(move.kind, move.datum, move.tot, move.days, counts, due, reason))
    return Moved(due, counted_days, suspended_now, tuple(steps))


def _moves(start: date, end: date, after: str, history: ZaakHistory) -> list[_Move]:
    suspensions, ignored_hervat = pair_suspensions(
        history.all("zaak.opgeschort"), history.all("zaak.hervat"), end
    )
    moves = [
        _Move("hervat", h.datum, None, 0, f"hervat {h.datum}", "zonder open opschorting: genegeerd")
        for h in ignored_hervat
    ]
    for s in suspensions:
        inside = s.clipped(start, end)
        if inside is None:
            where = f"na {after} ({end})" if s.start > end else f"voor de start ({start})"
            moves.append(_suspension(s, after, f"lag {where} en telt niet"))
        else:
            moves.append(_suspension(inside, after))
    for v in history.all("zaak.verdaagd"):
        days = v.dagen or 0
        late = None if v.datum <= end else f"lag na {after} ({end}) en telt niet"
        what = f"verdaging op {v.datum} ({days} dagen)"
        moves.append(_Move("verdaging", v.datum, None, days, what, late))
    return sorted(moves, key=lambda m: (m.datum, m.kind))


def _suspension(s: Suspension, after: str, ignored: str | None = None) -> _Move:
    what = f"opschorting {s.start}..{s.end} ({s.days} dagen"
    if s.open:
        what += f", niet hervat: staat stil tot {after}"
    if s.merged > 1:
        what += f", {s.merged} overlappende opschortingen samengevoegd"
    return _Move("opschorting", s.start, s.end, s.days, what + ")", ignored, s.open)
