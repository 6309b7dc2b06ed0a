"""What one zaak adds to the KPI aggregates, as a set of counter increments.

``zaak_contribution`` is the one entry point: the union of every KPI's contribution of the
zaak (docs/kpis.md has the cells and fields per KPI). A zaak's contribution is a pure
function of its history. The sink stores the contribution it last applied per zaak and
applies only the difference, so a correction, a late opschorting or a redelivered event moves
the zaak between buckets and the aggregates always equal a recomputation from the per-zaak
state.

The worker asks for the same zaak's contribution again and again, each time with one fact
more (and for the one before a record again). So the last ``KEPT_ZAKEN`` zaken keep their
facts, their contribution and their state per day (``dated_contribution``'s ``kept``): the
same facts give the kept contribution, a new fact costs only the days it changes
(docs/performance.md, "KPI worker: issue 14"). Kept per process, never stored.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from shared.core.domain import AtwCalendar, Fact, ZaakHistory
from shared.core.domain_config import DomainConfig
from shared.core.kpi.cells import cell_key, day_field
from shared.core.kpi.dated import KeptStates, State, dated_contribution
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


KEPT_ZAKEN = 4096
"""Zaken whose last contribution and states per day are kept (least recently asked goes)."""


@dataclass(eq=False, slots=True)
class _Kept:
    domain: DomainConfig
    calendar: AtwCalendar
    kpis: Sequence[KpiDefinition]
    facts: tuple[Fact, ...] = ()
    contribution: dict[tuple[str, str], int] = field(default_factory=dict)
    states: KeptStates = field(default_factory=dict)


_kept: OrderedDict[str, _Kept] = OrderedDict()


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
    huishouden pseudonym. A new dict on every call."""
    kept = _kept.get(zaak_id)
    if kept is None or (kept.domain, kept.calendar, kept.kpis) != (domain, calendar, kpis):
        kept = _Kept(domain, calendar, kpis)
    elif kept.facts == history.facts:
        _kept.move_to_end(zaak_id)
        return dict(kept.contribution)
    scope = ZaakScope(domain, calendar, zaak_id)
    counters = [kpi.zaak_counters for kpi in kpis if kpi.zaak_counters is not None]

    def state(known: ZaakHistory, peildatum: date) -> State:
        total: Counter[tuple[str, str]] = Counter()
        get = total.get
        for counter in counters:  # what Counter.update does with a mapping, in a plain loop
            for key, value in counter.state(known, peildatum, scope).items():
                total[key] = get(key, 0) + value
        return total

    changes_on = [day for counter in counters for day in counter.changes_on(history, scope)]
    contribution = dated_contribution(history, state, changes_on, kept.states)
    kept.facts, kept.contribution = history.facts, dict(contribution)
    _kept[zaak_id] = kept
    _kept.move_to_end(zaak_id)
    if len(_kept) > KEPT_ZAKEN:
        _kept.popitem(last=False)
    return contribution


def difference(old: Contribution, new: Contribution) -> dict[tuple[str, str], int]:
    """Increments that turn ``old`` into ``new``; empty when nothing changed."""
    diff = Counter(new)
    diff.subtract(old)
    return {k: v for k, v in diff.items() if v}
