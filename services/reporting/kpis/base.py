"""What a KPI of the reporting API is: its name, the version of its definition, and a pure
function from the counters of one cell (shared/figure_keys.py) to its published figures."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

Figure = int | float | str | None
"""A published figure: a count, a statistic, "<5" for a small count, or None when withheld."""

Figures = Callable[[Mapping[str, str], date], dict[str, Figure]]
"""(counters of one cell, peildatum) -> figures; pure, so it is tested without Redis."""

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

    @property
    def definitie(self) -> str:
        return f"{self.name}/{self.version}"


def count(fields: Mapping[str, str], name: str) -> int:
    return int(fields.get(name, 0))


def day_histogram(fields: Mapping[str, str]) -> dict[int, int]:
    """The exact whole-day histogram held in a cell's ``d<days>`` counters."""
    histogram: dict[int, int] = {}
    for name, value in fields.items():
        match = _DAY_FIELD.match(name)
        if match and int(value) > 0:
            histogram[int(match[1])] = int(value)
    return histogram
