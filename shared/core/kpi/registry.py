"""The KPIs: one pure module per KPI under shared/core/kpi/, registered here.

A new KPI is one module with a ``KpiDefinition`` (shared/core/kpi/definition.py) and one entry
in ``DEFINITIONS``. The KPI worker counts the zaak KPIs among them
(shared/core/kpi/contribution.py); the reporting API serves, validates, suppresses and
documents every one of them from its definition (services/reporting/kpis/).
"""

from __future__ import annotations

from shared.core.domain_config import DomainConfig, Norm
from shared.core.kpi.bereik import BEREIK_ONDERSTEUNING
from shared.core.kpi.bereik_vroegsignalering import BEREIK_VROEGSIGNALERING
from shared.core.kpi.definition import CellSource, KpiDefinition
from shared.core.kpi.doorlooptijd import DOORLOOPTIJD
from shared.core.kpi.open_over_termijn import OPEN_OVER_TERMIJN
from shared.core.kpi.sth_opgepakt import STH_OPGEPAKT
from shared.core.kpi.sth_zonder_verwijzing import STH_ZONDER_VERWIJZING
from shared.core.kpi.vroegsignalen import VROEGSIGNALEN
from shared.core.kpi.wachttijd import WACHTTIJD

DEFINITIONS: tuple[KpiDefinition, ...] = (
    DOORLOOPTIJD,
    WACHTTIJD,
    STH_OPGEPAKT,
    STH_ZONDER_VERWIJZING,
    BEREIK_ONDERSTEUNING,
    BEREIK_VROEGSIGNALERING,
    VROEGSIGNALEN,
    OPEN_OVER_TERMIJN,
)
"""In this order the API document lists them and the worker adds up a zaak's counters."""

SERVED: dict[str, KpiDefinition] = {kpi.name: kpi for kpi in DEFINITIONS}
"""Every KPI the reporting API answers at ``/api/v1/kpi/{kpi}``, by name."""

AVAILABLE: dict[str, KpiDefinition] = {
    kpi.name: kpi for kpi in DEFINITIONS if kpi.source.has_counters
}
"""The KPIs whose figures come from counters (the others are computed per request)."""

ZAAK_KPIS: tuple[KpiDefinition, ...] = tuple(
    kpi for kpi in DEFINITIONS if kpi.source is CellSource.ZAKEN
)
"""The KPIs the KPI worker counts from each zaak's history."""

# Defined in docs/domain.md#reporting-api but not published yet; named in the 404 so a caller knows.
PLANNED = tuple(
    name
    for name in (
        "wachttijd",
        "sth-opgepakt",
        "sth-zonder-verwijzing",
        "bereik-ondersteuning",
        "bereik-vroegsignalering",
    )
    if name not in SERVED
)


def norms_of(kpi: KpiDefinition, domain: DomainConfig) -> list[Norm]:
    """The configured norms and targets of the KPI, in configuration order."""
    return [norm for norm in domain.norms if norm.kpi == kpi.name]


def unknown_norms(domain: DomainConfig) -> list[str]:
    """Each configured norm that names no registered KPI or none of its figures."""
    problems = []
    for i, norm in enumerate(domain.norms):
        kpi = SERVED.get(norm.kpi)
        if kpi is None:
            problems.append(f"norms.{i}.kpi: {norm.kpi!r} is not a KPI")
        elif norm.figure not in kpi.figure_docs:
            problems.append(f"norms.{i}.figure: {norm.figure!r} is not a figure of {kpi.name}")
    return problems
