"""What a KPI of the reporting API is: its name, the version of its definition, and a pure
function from the counters of one cell (shared/contract/figure_keys.py) to its published figures."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from shared.core.domain_config import GEMEENTE, DomainConfig

Figure = int | float | str | None
"""A published figure: a count, a statistic, "<5" for a small count, or None when withheld."""


@dataclass(frozen=True)
class CellContext:
    """What a cell's figures may need besides its counters and the peildatum."""

    huishoudens: int | None = None
    """Configured households of the cell's wijk (gemeente: all wijken), for per-1,000 rates."""

    @classmethod
    def of(cls, wijk: str, domain: DomainConfig) -> CellContext:
        return cls(huishoudens=configured_households(wijk, domain))


NO_CONTEXT = CellContext()


class Figures(Protocol):
    """(counters of one cell, peildatum[, context]) -> its figures on that peildatum; pure,
    tested without Redis. Every KPI's counters are dated (shared/core/kpi/dated.py), so any
    peildatum and any periode, running or closed, is read the same way (``counts_on``)."""

    def __call__(
        self, fields: Mapping[str, str], peildatum: date, context: CellContext = ..., /
    ) -> dict[str, Figure]: ...


_DAY_FIELD = re.compile(r"^d(-?[0-9]+)$")


@dataclass(frozen=True)
class KpiDefinition:
    name: str
    """The path segment and the first part of the cell names the KPI worker writes."""
    version: int
    """Raised whenever the definition changes what a figure means (BRIEF §4)."""
    summary: str
    figures: Figures
    figure_docs: Mapping[str, str]
    """Figure name -> meaning, in the order the figures are published."""
    counts: frozenset[str]
    """Figures that are counts: shown as "<5" when small, unless the role may see them."""
    basis: str
    """The count the statistics are taken over: they are withheld when it is small."""
    statistic_bases: Mapping[str, str] = field(default_factory=dict)
    """Statistic -> the count it is taken over, where that is not ``basis``."""

    @property
    def definitie(self) -> str:
        return f"{self.name}/{self.version}"


def count(fields: Mapping[str, str | int], name: str) -> int:
    return int(fields.get(name, 0))


def day_histogram(fields: Mapping[str, str | int]) -> dict[int, int]:
    """The exact whole-day histogram held in a cell's ``d<days>`` counters."""
    histogram: dict[int, int] = {}
    for name, value in fields.items():
        match = _DAY_FIELD.match(name)
        if match and int(value) > 0:
            histogram[int(match[1])] = int(value)
    return histogram


def configured_households(wijk: str, domain: DomainConfig) -> int | None:
    """A wijk's configured household count; for gemeente the sum, when every wijk has one.

    None for onbekend, for a wijk without a count, and for gemeente when a wijk lacks one
    (its households would be counted above the line but not below it).
    """
    if wijk == GEMEENTE:
        counts = [w.huishoudens for w in domain.wijken]
        return None if None in counts else sum(c for c in counts if c is not None)
    return next((w.huishoudens for w in domain.wijken if w.naam == wijk), None)
