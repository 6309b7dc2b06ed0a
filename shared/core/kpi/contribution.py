"""What one zaak adds to the KPI aggregates, as a set of counter increments.

``zaak_contribution`` is the one entry point: the union of every KPI's contribution of the
zaak (docs/kpis.md has the cells and fields per KPI). A zaak's contribution is a pure
function of its history. The sink stores the contribution it last applied per zaak and
applies only the difference, so a correction, a late opschorting or a redelivered event moves
the zaak between buckets and the aggregates always equal a recomputation from the per-zaak
state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date

from shared.core.domain import AtwCalendar, ZaakHistory
from shared.core.domain_config import DomainConfig
from shared.core.kpi.cells import cell_key, day_field
from shared.core.kpi.dated import State, dated_contribution
from shared.core.kpi.definition import KpiDefinition, ZaakScope
from shared.core.kpi.registry import ZAAK_KPIS

__all__ = [
    "Contribution",
    "cell_key",
    "day_field",
    "difference",
    "zaak_contribution",
]

# (aggregate key, field) -> increment; an aggregate key names one API cell.
Contribution = Mapping[tuple[str, str], int]


def zaak_contribution(
    history: ZaakHistory,
    domain: DomainConfig,
    calendar: AtwCalendar,
    *,
    zaak_id: str,
    kpis: Sequence[KpiDefinition] = ZAAK_KPIS,
) -> Contribution:
    """Every zaak KPI of the registry (shared/core/kpi/registry.py: doorlooptijd/tijdig,
    wachttijd, sth-opgepakt, sth-zonder-verwijzing and bereik-ondersteuning), all as dated
    fields (shared/core/kpi/dated.py). ``zaak_id`` names the household of a zaak without a
    huishouden pseudonym."""
    scope = ZaakScope(domain, calendar, zaak_id)
    counters = [kpi.zaak_counters for kpi in kpis if kpi.zaak_counters is not None]

    def state(known: ZaakHistory, peildatum: date) -> State:
        total: Counter[tuple[str, str]] = Counter()
        for counter in counters:
            total.update(counter.state(known, peildatum, scope))
        return total

    changes_on = [day for counter in counters for day in counter.changes_on(history, scope)]
    return dated_contribution(history, state, changes_on)


def difference(old: Contribution, new: Contribution) -> dict[tuple[str, str], int]:
    """Increments that turn ``old`` into ``new``; empty when nothing changed."""
    diff = Counter(new)
    diff.subtract(old)
    return {k: v for k, v in diff.items() if v}
