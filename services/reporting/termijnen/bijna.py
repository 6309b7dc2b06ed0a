"""Bijna over termijn for the API: the zaak documents of the open clocks read from the
figures store, then the pure list (shared/core/kpi/bijna_over_termijn.py, docs/domain.md#alerts).
Computed per request, like open over termijn, so every peildatum is exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from services.reporting.wiring import Reporting
from shared.core.domain_config import GEMEENTE, ClockConfig
from shared.core.kpi.bijna_over_termijn import Bijna, bijna_over_termijn


async def find_bijna(
    reporting: Reporting,
    peildatum: date,
    clocks: Mapping[str, ClockConfig],
    wijk: str | None = None,
) -> list[Bijna]:
    """The zaken bijna over termijn of ``clocks`` (wijk: only its; gemeente or None: all)."""
    candidates = [(c, z) for c, z in await reporting.termijnen.open_on(peildatum) if c in clocks]
    documents = await reporting.termijnen.zaken(sorted({z for _, z in candidates}))
    return bijna_over_termijn(
        candidates,
        documents,
        clocks,
        reporting.calendar,
        peildatum,
        wijk=None if wijk == GEMEENTE else wijk,
    )
