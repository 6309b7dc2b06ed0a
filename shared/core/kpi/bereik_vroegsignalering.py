"""bereik-vroegsignalering (docs/domain.md#vroegsignalering, docs/domain.md#kpis), one cell per
wijk and periode of the case's first
signal.

The counters come from each vroegsignaalzaak (shared/core/kpi/vroegsignalering.py, one history
for this KPI and vroegsignalen): its state as dated changes (shared/core/kpi/dated.py) of
``zaken``, ``contact``, ``bereikt``, ``geaccepteerd``, ``meervoudig``, ``crisis`` and one
``d<days>`` field for the days from the first signal to the first contactpoging. Summed up to
the peildatum they are exactly the cases known on it. Cells carry wet ``wgs`` (docs/kpis.md
says why).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from shared.core.kpi.dated import counts_on
from shared.core.kpi.definition import (
    NO_CONTEXT,
    CellContext,
    CellSource,
    Figure,
    KpiDefinition,
    count,
    day_histogram,
)
from shared.core.kpi.stats import nearest_rank, percentage
from shared.core.kpi.vroegsignalering import (
    BEREIK,
    BEREIKT,
    CONTACT,
    CRISIS,
    GEACCEPTEERD,
    MEERVOUDIG,
    ZAKEN,
)


def bereik_vroegsignalering_figures(
    fields: Mapping[str, str], peildatum: date, context: CellContext = NO_CONTEXT
) -> dict[str, Figure]:
    known = counts_on(fields, peildatum)
    zaken, contact = count(known, ZAKEN), count(known, CONTACT)
    bereikt, geaccepteerd = count(known, BEREIKT), count(known, GEACCEPTEERD)
    return {
        "zaken": zaken,
        "n_contact": contact,
        "n_bereikt": bereikt,
        "n_geaccepteerd": geaccepteerd,
        "median_dagen_tot_contact": nearest_rank(day_histogram(known), 0.5),
        "contact_pct": percentage(contact, zaken),
        "bereikt_pct": percentage(bereikt, zaken),
        "geaccepteerd_pct": percentage(geaccepteerd, zaken),
        "n_meervoudig": count(known, MEERVOUDIG),
        "n_crisis": count(known, CRISIS),
    }


BEREIK_VROEGSIGNALERING = KpiDefinition(
    name=BEREIK,
    version=1,
    summary="Bereik vroegsignalering (wet wgs): of the vroegsignaalzaken opened in the periode "
    "(the signaaldatum of their first signal; wijk of that signal), how many had a "
    "vroegsignaal.contactpoging, were reached (a contactpoging with bereikt = true) and "
    "accepted help (resultaat vervolghulp-en-of-verwijzing-financieel or -niet-financieel, "
    "the current resultaat after corrections); and the median days from the first signal to "
    "the first contactpoging (nearest rank; a contact before the signal counts as 0). Only "
    "events dated on or before the peildatum count.",
    figures=bereik_vroegsignalering_figures,
    figure_docs={
        "zaken": "vroegsignaalzaken whose first signal is in the periode",
        "n_contact": "of them with a contactpoging",
        "n_bereikt": "of them with a contactpoging with bereikt = true",
        "n_geaccepteerd": "of them whose resultaat is one of the two Vervolghulp values",
        "median_dagen_tot_contact": "median days from the first signal to the first "
        "contactpoging, over the n_contact zaken (nearest rank)",
        "contact_pct": "100 * n_contact / zaken, rounded half up to one decimal",
        "bereikt_pct": "100 * n_bereikt / zaken, rounded half up to one decimal",
        "geaccepteerd_pct": "100 * n_geaccepteerd / zaken, rounded half up to one decimal",
        "n_meervoudig": "of them with signals of two or more signaalpartner types",
        "n_crisis": "of them with a crisissignaal (including eindeleveringssignalen)",
    },
    counts=frozenset(
        {"zaken", "n_contact", "n_bereikt", "n_geaccepteerd", "n_meervoudig", "n_crisis"}
    ),
    basis="zaken",
    statistic_bases={"median_dagen_tot_contact": "n_contact"},
    source=CellSource.VROEGSIGNAALZAKEN,
)
