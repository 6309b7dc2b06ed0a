"""vroegsignalen: signals received per signaalpartner type, per wijk and periode of the signal.

The second figure set of bereik vroegsignalering (issue 7: "signals per signaalpartner type",
the Divosa monitor's categories). The counters come from each vroegsignaalzaak
(shared/core/kpi/vroegsignalering.py): every current signal (a corrected one in its current
version) adds ``n``, ``sp:<signaalpartner slug>`` and, for a crisissignaal, ``crisis``, dated
by its signaaldatum, in the wijk the signal names. Cells carry wet ``wgs``.
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
)
from shared.core.kpi.vroegsignalering import CRISIS, SIGNAALPARTNERS, SIGNALEN, N, partner_field


def partner_figure(slug: str) -> str:
    """``cak-zorgverzekeringen`` -> ``n_cak_zorgverzekeringen``."""
    return "n_" + slug.replace("-", "_")


def vroegsignalen_figures(
    fields: Mapping[str, str], peildatum: date, context: CellContext = NO_CONTEXT
) -> dict[str, Figure]:
    known = counts_on(fields, peildatum)
    figures: dict[str, Figure] = {"n": count(known, N), "n_crisis": count(known, CRISIS)}
    for slug in SIGNAALPARTNERS:
        figures[partner_figure(slug)] = count(known, partner_field(slug))
    return figures


VROEGSIGNALEN = KpiDefinition(
    name=SIGNALEN,
    version=1,
    summary="Vroegsignalen (wet wgs): the payment-arrears signals received, per wijk of the "
    "signal and periode of its signaaldatum, in total, as crisissignaal and per DDAS "
    "signaalpartner type (one figure per type, zero included). A corrected signal counts "
    "once, in its current version.",
    figures=vroegsignalen_figures,
    figure_docs={
        "n": "signals with a signaaldatum in the periode",
        "n_crisis": "of them crisissignalen (including eindeleveringssignalen)",
        **{partner_figure(s): f"of them from signaalpartner type {s}" for s in SIGNAALPARTNERS},
    },
    counts=frozenset({"n", "n_crisis", *(partner_figure(s) for s in SIGNAALPARTNERS)}),
    basis="n",
    source=CellSource.VROEGSIGNAALZAKEN,
)
