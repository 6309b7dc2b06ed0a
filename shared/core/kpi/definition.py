"""What a KPI is: its name, the version of its definition, where its cells come from, how a
zaak adds to its counters and a pure function from one cell's counters to its figures.

Every KPI is one module under shared/core/kpi/ with one ``KpiDefinition`` and one entry in
shared/core/kpi/registry.py. The KPI worker takes the zaak counters of the registered KPIs
(shared/core/kpi/contribution.py); the reporting API takes the figures, the documentation and
the suppression basis (services/reporting/kpis/).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol

from shared.core.domain import AtwCalendar, ZaakHistory
from shared.core.domain_config import GEMEENTE, DomainConfig
from shared.core.kpi.dated import State

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


class CellSource(StrEnum):
    """How a KPI's cells are produced."""

    ZAKEN = "zaken"
    """Counters the KPI worker keeps from each zaak's history (``KpiDefinition.zaak_counters``)."""
    VROEGSIGNAALZAKEN = "vroegsignaalzaken"
    """Counters the vroegsignalen agent keeps from each vroegsignaalzaak
    (``shared.core.kpi.vroegsignalering.vroegsignaalzaak_contribution``)."""
    TERMIJNEN = "termijnen"
    """No counters: computed per request from the termijnen documents the KPI worker keeps
    (shared/contract/alert_keys.py), for the peildatum asked."""

    @property
    def has_counters(self) -> bool:
        return self is not CellSource.TERMIJNEN


@dataclass(frozen=True)
class ZaakScope:
    """What a zaak's counters may need besides its history and the peildatum."""

    domain: DomainConfig
    calendar: AtwCalendar
    zaak_id: str
    """Names the household of a zaak without a huishouden pseudonym."""


ZaakState = Callable[[ZaakHistory, date, ZaakScope], State]
"""(zaak as known on the peildatum, peildatum, scope) -> (cell, field) -> count."""
ChangesOn = Callable[[ZaakHistory, ZaakScope], Iterable[date]]
"""Days besides the zaak's fact dates on which its state may change (a norm day passing)."""


def no_changes(history: ZaakHistory, scope: ZaakScope) -> Iterable[date]:
    return ()


@dataclass(frozen=True)
class ZaakCounters:
    """How one zaak adds to the KPI's counters: its state on a peildatum, written as dated
    fields by ``dated_contribution`` (shared/core/kpi/dated.py)."""

    state: ZaakState
    changes_on: ChangesOn = no_changes


_DAY_FIELD = re.compile(r"^d(-?[0-9]+)$")


@dataclass(frozen=True)
class KpiDefinition:
    name: str
    """The path segment and the first part of the cell names the KPI worker writes."""
    version: int
    """Raised whenever the definition changes what a figure means (docs/domain.md#kpis)."""
    summary: str
    figure_docs: Mapping[str, str]
    """Figure name -> meaning, in the order the figures are published."""
    counts: frozenset[str]
    """Figures that are counts: shown as "<5" when small, unless the role may see them."""
    basis: str
    """The count the statistics are taken over: they are withheld when it is small."""
    figures: Figures | None = None
    """Counters of one cell -> its figures; None for a KPI computed per request."""
    statistic_bases: Mapping[str, str] = field(default_factory=dict)
    """Statistic -> the count it is taken over, where that is not ``basis``."""
    source: CellSource = CellSource.ZAKEN
    zaak_counters: ZaakCounters | None = None
    """How a zaak adds to the counters; only for ``CellSource.ZAKEN``."""
    parameters: Mapping[str, str] = field(default_factory=dict)
    """Query parameters of this KPI besides periode, wet, wijk and peildatum -> meaning."""
    title: str | None = None
    """One line for the KPI's own operation in the API document (KPIs with ``parameters``)."""

    def __post_init__(self) -> None:
        if self.basis not in self.figure_docs:
            raise ValueError(f"{self.name}: basis {self.basis!r} is not one of its figures")
        if not self.counts <= set(self.figure_docs):
            raise ValueError(f"{self.name}: every count must be one of its figures")
        if self.source.has_counters and self.figures is None:
            raise ValueError(f"{self.name}: a KPI with counters needs its figures function")
        if (self.source is CellSource.ZAKEN) != (self.zaak_counters is not None):
            raise ValueError(f"{self.name}: zaak_counters belong to a KPI counted from zaken")

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
