"""The KPIs the reporting API publishes: one module per KPI, registered here.

Adding a KPI of BRIEF §4.1 is one module with a ``KpiDefinition`` and one entry in
``_DEFINITIONS``; the route, validation, suppression and documentation follow from it.
"""

from __future__ import annotations

from services.reporting.kpis.base import CellContext, Figure, KpiDefinition
from services.reporting.kpis.bereik_ondersteuning import BEREIK_ONDERSTEUNING
from services.reporting.kpis.bereik_vroegsignalering import BEREIK_VROEGSIGNALERING
from services.reporting.kpis.doorlooptijd import DOORLOOPTIJD
from services.reporting.kpis.sth_opgepakt import STH_OPGEPAKT
from services.reporting.kpis.sth_zonder_verwijzing import STH_ZONDER_VERWIJZING
from services.reporting.kpis.vroegsignalen import VROEGSIGNALEN
from services.reporting.kpis.wachttijd import WACHTTIJD

_DEFINITIONS = (
    DOORLOOPTIJD,
    WACHTTIJD,
    STH_OPGEPAKT,
    STH_ZONDER_VERWIJZING,
    BEREIK_ONDERSTEUNING,
    BEREIK_VROEGSIGNALERING,
    VROEGSIGNALEN,
)

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

__all__ = ["AVAILABLE", "PLANNED", "CellContext", "Figure", "KpiDefinition"]
