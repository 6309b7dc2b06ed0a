"""A KPI's whole table at one peildatum as a reader gives it (kpis/sources.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from services.reporting.kpis.controlled import Cells


@dataclass(frozen=True)
class Loaded:
    cells: Cells
    """The cells' figures, unsuppressed; a cell with nothing counted is absent."""
    consistent: bool
    """Whether nothing changed while they were read: only then are they kept under
    ``Table.version``."""


@dataclass(frozen=True)
class Table:
    version: str
    """A digest of everything the cells are computed from (the peildatum is keyed apart),
    cheap to get: a cached table is checked against it without reading the cells."""
    load: Callable[[], Awaitable[Loaded]]
    """Reads the cells and computes their figures."""
