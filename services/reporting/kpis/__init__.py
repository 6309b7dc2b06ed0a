"""The HTTP side of the KPIs: the ``/api/v1/kpi/{kpi}`` route, the figures store and the
selection of cells. What each KPI is (its counters, figures and definition) lives in one pure
module per KPI under shared/core/kpi/, registered in shared/core/kpi/registry.py.
"""

from __future__ import annotations

from shared.core.kpi.definition import CellContext, Figure, KpiDefinition
from shared.core.kpi.registry import AVAILABLE, PLANNED, SERVED

__all__ = ["AVAILABLE", "PLANNED", "SERVED", "CellContext", "Figure", "KpiDefinition"]
