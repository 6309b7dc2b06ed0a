"""The KPIs the reporting API publishes: one module per KPI, registered here.

Adding a KPI of BRIEF §4.1 is one module with a ``KpiDefinition`` and one entry in
``_DEFINITIONS``; the route, validation, suppression and documentation follow from it.
"""

from __future__ import annotations

from services.reporting.kpis.base import Figure, KpiDefinition
from services.reporting.kpis.doorlooptijd import DOORLOOPTIJD

_DEFINITIONS = (DOORLOOPTIJD,)

AVAILABLE: dict[str, KpiDefinition] = {kpi.name: kpi for kpi in _DEFINITIONS}

# Defined in BRIEF §4.1 but not published yet; named in the 404 so a caller knows.
PLANNED = tuple(
    name
    for name in (
        "wachttijd",
        "sth-opgepakt",
        "sth-zonder-verwijzing",
        "bereik-ondersteuning",
        "bereik-vroegsignalering",
    )
    if name not in AVAILABLE
)

__all__ = ["AVAILABLE", "PLANNED", "Figure", "KpiDefinition"]
