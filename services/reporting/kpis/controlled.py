"""The whole table of one KPI at one peildatum, disclosure-controlled for the roles that see no
small numbers (docs/domain.md#small-numbers), kept while its cells do not change.

Steps 1-3 run over every cell of the KPI (all wetten, wijken, periodes and clocks), never over
the part a query asks for; the route filters afterwards. So the same events and peildatum hide
the same cells whatever the filters. Step 4 (closed periodes only for ``publiek``) is the
route's. Pure apart from the cache, which is keyed by the content it was computed from.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from shared.core.domain_config import DomainConfig
from shared.core.kpi.definition import Figure
from shared.core.kpi.disclosure import (
    CellKey,
    KpiDisclosure,
    Reason,
    cell_reasons,
    protect,
    withheld_figures,
)

Cells = dict[CellKey, dict[str, Figure]]
"""(wet, wijk, periode, clock or None) -> the cell's figures, unsuppressed."""


@dataclass(frozen=True)
class ControlledCell:
    figures: dict[str, Figure]
    """Every figure of the cell, unsuppressed; the presentation hides what ``hidden`` names."""
    hidden: dict[str, Reason]
    """Field -> why a controlled role does not see it; empty for the roles that see all."""


@dataclass(frozen=True)
class Controlled:
    cells: dict[CellKey, ControlledCell]
    unprotected: tuple[tuple[CellKey, str], ...] = ()
    """Hidden counts the rules cannot give two values (shared/core/kpi/disclosure.py
    ``Protection.unprotected``): the FG's residual-risk record."""


def control(
    kpi: str,
    rules: KpiDisclosure,
    cells: Mapping[CellKey, Mapping[str, Figure]],
    domain: DomainConfig,
) -> Controlled:
    """Steps 1-3 over every cell given (the whole table of ``kpi`` at one peildatum)."""
    threshold = domain.small_numbers.threshold
    counts = {
        key: {f: _count(figures.get(f)) for f in rules.counts} for key, figures in cells.items()
    }
    protection = protect(counts, rules, wijken=domain.wijk_names, threshold=threshold)
    out: dict[CellKey, ControlledCell] = {}
    for key, figures in cells.items():
        hidden: dict[str, Reason] = dict(protection.hidden.get(key, {}))
        hidden.update(withheld_figures(rules, figures, hidden))
        out[key] = ControlledCell(dict(figures), hidden)
    return Controlled(out, tuple(protection.unprotected))


def uncontrolled(cells: Mapping[CellKey, Mapping[str, Figure]]) -> Controlled:
    return Controlled({key: ControlledCell(dict(f), {}) for key, f in cells.items()})


def small_cells(
    rules: KpiDisclosure, cells: Mapping[CellKey, Mapping[str, Figure]], threshold: int
) -> int:
    """How many cells hold a small count or a small complement (steps 1 and 2): what a role
    that sees small numbers reads, for the access log."""
    return sum(
        1
        for figures in cells.values()
        if cell_reasons({f: _count(figures.get(f)) for f in rules.counts}, rules, threshold)
    )


def _count(value: Figure) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"a count must be an integer, not {value!r}")
    return value


def content_version(parts: list[tuple[str, Mapping[str, object]]]) -> str:
    """A digest of what a table was computed from: the same content, the same version."""
    digest = hashlib.blake2b(digest_size=16)
    for name, fields in sorted(parts, key=lambda p: p[0]):
        digest.update(name.encode())
        digest.update(b"\x00")
        digest.update(repr(sorted(fields.items())).encode())
        digest.update(b"\x01")
    return digest.hexdigest()


CacheKey = tuple[str, date, bool, str]
"""(kpi, peildatum, controlled, content version)."""


class ControlledCache:
    """The last tables computed, by KPI, peildatum, role class and content version. A change
    of any cell read changes the version, so a stale table is never served; the oldest entry
    goes when ``size`` is reached."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._entries: OrderedDict[CacheKey, Controlled] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: CacheKey) -> Controlled | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: CacheKey, table: Controlled) -> None:
        with self._lock:
            # One version per (kpi, peildatum, role class): an older one is never asked again.
            for old in [k for k in self._entries if k[:3] == key[:3] and k != key]:
                del self._entries[old]
            self._entries[key] = table
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
