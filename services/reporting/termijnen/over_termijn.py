"""Open over termijn on a peildatum, read and computed per request: the one place both the
list (``/open-over-termijn``) and the KPI cells (``/kpi/open-over-termijn``) get it from."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from services.reporting.wiring import Reporting
from shared.core.domain_config import GEMEENTE, ClockConfig
from shared.core.kpi.open_over_termijn import OverTermijn, open_over_termijn


async def find_over_termijn(
    reporting: Reporting,
    peildatum: date,
    clocks: Mapping[str, ClockConfig],
    wijk: str | None = None,
) -> dict[str, list[OverTermijn]]:
    """Per clock id of ``clocks``: the zaken over termijn on the peildatum (wijk: only its)."""
    candidates = [(c, z) for c, z in await reporting.termijnen.open_on(peildatum) if c in clocks]
    documents = await reporting.termijnen.zaken(sorted({z for _, z in candidates}))
    return open_over_termijn(
        candidates,
        documents,
        clocks,
        reporting.calendar,
        peildatum,
        wijk=None if wijk == GEMEENTE else wijk,
    )
