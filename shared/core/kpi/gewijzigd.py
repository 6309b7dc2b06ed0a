"""When a cell's figure last changed: ``gewijzigd`` (docs/kpis.md#gewijzigd).

A cell's ``gewijzigd`` is the latest acceptance time of a record whose application changed a
zaak's contribution to that cell: the zaak entered it, left it, or counts otherwise in it.
Each zaak keeps, per cell it ever changed (the cells it left included), the latest such time
(``ChangeTimes``); the cell's ``gewijzigd`` is the maximum over the zaken. A zaak's records
apply in offset order and its contribution is a pure function of its history, so a replay
of the same records gives every zaak the same times, and the figures store the same cells'
``gewijzigd`` whether it was written live, by a replay or by a rebuild from the zaken.

Times are milliseconds since the epoch (UTC) in the zaak's state and RFC 3339 UTC with
milliseconds (``2026-03-02T08:15:00.123Z``) in the figures store and the API: one fixed
width, so comparing the texts compares the times.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.core.kpi.contribution import Contribution

GEWIJZIGD = "gewijzigd"
"""The name of the figure in a cell (the API, CSV and the report)."""

ChangeTimes = Mapping[str, int]
"""Cell name -> the latest acceptance time (ms since the epoch, UTC) of a record that changed
the zaak's contribution to it."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def changed_cells(old: Contribution, new: Contribution) -> set[str]:
    """The cells whose fields or increments differ between two contributions of one zaak."""
    if old == new:
        return set()
    cells: set[str] = set()
    for key, inc in new.items():
        if old.get(key, 0) != inc:
            cells.add(key[0])
    for key, inc in old.items():
        if inc and key not in new:
            cells.add(key[0])
    return cells


def record_change(times: ChangeTimes, cells: Iterable[str], at_ms: int) -> ChangeTimes:
    """``times`` after a record accepted at ``at_ms`` changed ``cells``: each becomes the
    later of its time and ``at_ms`` (a producer's clock may step back; the maximum keeps a
    cell's time from moving back). Returns ``times`` itself when nothing moves."""
    later = [cell for cell in cells if times.get(cell, -1) < at_ms]
    if not later:
        return times
    out = dict(times)
    for cell in later:
        out[cell] = at_ms
    return out


def cell_times(zaken: Iterable[ChangeTimes]) -> dict[str, int]:
    """Each cell's ``gewijzigd`` over a set of zaken: the latest time any of them changed it."""
    out: dict[str, int] = {}
    for times in zaken:
        for cell, at_ms in times.items():
            if out.get(cell, -1) < at_ms:
                out[cell] = at_ms
    return out


def to_stored(times: ChangeTimes) -> list[list[Any]]:
    """Compact form for the zaak's state: ``[[ms, [cell, ...]], ...]`` by time, each time
    once (most records change several cells at the same moment), cells sorted."""
    groups: dict[int, list[str]] = {}
    for cell, at_ms in times.items():
        groups.setdefault(at_ms, []).append(cell)
    return [[at_ms, sorted(cells)] for at_ms, cells in sorted(groups.items())]


def from_stored(raw: Sequence[Sequence[Any]] | None) -> dict[str, int]:
    """The inverse of ``to_stored``; empty for a zaak stored before gewijzigd was kept."""
    out: dict[str, int] = {}
    for at_ms, cells in raw or ():
        for cell in cells:
            out[str(cell)] = int(at_ms)
    return out


def rfc3339(at_ms: int) -> str:
    """``2026-03-02T08:15:00.123Z``: UTC, milliseconds, fixed width."""
    moment = _EPOCH + timedelta(milliseconds=at_ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_rfc3339_ms(text: str) -> int:
    """Milliseconds since the epoch of an RFC 3339 time with an offset (``Z`` or ``+hh:mm``);
    ValueError without one (a local time is no moment)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("an RFC 3339 time needs an offset")
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
