"""What disclosure control (shared/core/kpi/disclosure.py, docs/domain.md#small-numbers) needs
to know of each served KPI: its count fields, which count is a share of which, and which count
each other figure is computed from. An entry per KPI of shared/core/kpi/registry.py; a KPI
without one (a new KPI) gets the cautious reading of its definition: its counts, no shares,
every other figure computed from every count. A test checks the entries against the
definitions.
"""

from __future__ import annotations

from collections.abc import Mapping

from shared.core.kpi.definition import KpiDefinition
from shared.core.kpi.disclosure import KpiDisclosure, Share
from shared.core.kpi.vroegsignalen import partner_figure
from shared.core.kpi.vroegsignalering import SIGNAALPARTNERS

PARTNER_FIGURES = tuple(partner_figure(s) for s in SIGNAALPARTNERS)
"""vroegsignalen: one count per signaalpartner type; together they add up to ``n`` (``parts``:
secondary suppression moves ``n`` only with one of them: shared/core/kpi/disclosure_secondary)."""

RULES: Mapping[str, KpiDisclosure] = {
    "doorlooptijd": KpiDisclosure(
        counts=("n", "n_tijdig"),
        shares=(Share("n_tijdig", "n"),),
        derived={"tijdig_pct": {"n", "n_tijdig"}, "median": {"n"}, "p90": {"n"}},
    ),
    "wachttijd": KpiDisclosure(counts=("n",), derived={"median": {"n"}, "p90": {"n"}}),
    "sth-opgepakt": KpiDisclosure(
        counts=("n", "n_binnen_norm"),
        shares=(Share("n_binnen_norm", "n"),),
        derived={"pct": {"n", "n_binnen_norm"}},
    ),
    "sth-zonder-verwijzing": KpiDisclosure(
        counts=("n", "n_zonder"),
        shares=(Share("n_zonder", "n"),),
        derived={"pct": {"n", "n_zonder"}},
    ),
    "bereik-ondersteuning": KpiDisclosure(
        counts=("households",), derived={"per_1000": {"households"}}
    ),
    "bereik-vroegsignalering": KpiDisclosure(
        counts=("zaken", "n_contact", "n_bereikt", "n_geaccepteerd", "n_meervoudig", "n_crisis"),
        shares=(
            Share("n_contact", "zaken"),
            Share("n_bereikt", "zaken"),
            Share("n_geaccepteerd", "zaken"),
            Share("n_meervoudig", "zaken"),
            Share("n_crisis", "zaken"),
        ),
        derived={
            "median_dagen_tot_contact": {"n_contact"},
            "contact_pct": {"n_contact", "zaken"},
            "bereikt_pct": {"n_bereikt", "zaken"},
            "geaccepteerd_pct": {"n_geaccepteerd", "zaken"},
        },
    ),
    "vroegsignalen": KpiDisclosure(
        counts=("n", "n_crisis", *PARTNER_FIGURES),
        shares=(Share("n_crisis", "n"), *(Share(p, "n") for p in PARTNER_FIGURES)),
        parts={"n": PARTNER_FIGURES},
    ),
    "open-over-termijn": KpiDisclosure(counts=("n",)),
}


def rules_of(kpi: KpiDefinition) -> KpiDisclosure:
    found = RULES.get(kpi.name)
    if found is not None:
        return found
    return KpiDisclosure(counts=tuple(f for f in kpi.figure_docs if f in kpi.counts))
