"""Where a zaak is counted: the cell names of the reporting API and the fields inside them.

A cell is one (kpi, wet, wijk, periode) of docs/domain.md#reporting-api. A zaak counts in its own
wijk (the
wijk of its aanmelding, ``onbekend`` when unknown) and in ``gemeente``, for the month,
half-year and year of the date its KPI is counted on.
"""

from __future__ import annotations

from datetime import date

from shared.core.domain_config import GEMEENTE
from shared.core.kpi.periods import periods_of


def cell_key(kpi: str, wet: str, wijk: str, periode: str) -> str:
    return f"{kpi}|{wet}|{wijk}|{periode}"


def day_field(days: int) -> str:
    """The histogram field of a whole-day duration: exact quantiles need no sketch."""
    return f"d{days}"


def zaak_cells(kpi: str, wet: str, wijk: str, day: date) -> list[str]:
    """The cells a zaak counted on ``day`` enters: its wijk and gemeente, per periode."""
    return [cell_key(kpi, wet, w, p) for p in periods_of(day) for w in (wijk, GEMEENTE)]
