"""open-over-termijn (docs/domain.md#kpis), as KPI cells: per wet, wijk, periode of the due date
and clock.

Not counters: computed per request (``CellSource.TERMIJNEN``) from the zaak documents the KPI
worker keeps (shared/contract/alert_keys.py), with the clocks computed for the peildatum
asked, so every peildatum is exact and no periode is ever left out. The same computation
gives the ``/open-over-termijn`` list (services/reporting/termijnen/over_termijn.py).

A clock is open over termijn when its due date is before the peildatum and it had not ended on
the peildatum: neither its own stopping event nor the end of docs/domain.md#clock-endings
(``zaak.afgesloten``, or for a step before the besluit the besluit).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.core.domain import AtwCalendar, ClockResult, Fact, ZaakHistory, compute_clock
from shared.core.domain_config import GEMEENTE, ClockConfig
from shared.core.kpi.definition import CellSource, KpiDefinition
from shared.core.kpi.periods import periods_of

KPI = "open-over-termijn"
VERSION = 2
"""/2: a clock also ends at zaak.afgesloten, and a step before the besluit at the besluit."""
DEFINITIE = f"{KPI}/{VERSION}"
CLOCK = "clock"


def history_of(document: Mapping[str, Any]) -> ZaakHistory:
    return ZaakHistory.of(Fact.from_dict(f) for f in document["facts"])


def clocks_on(
    candidates: Iterable[tuple[str, str]],
    documents: Mapping[str, Mapping[str, Any]],
    clocks: Mapping[str, ClockConfig],
    calendar: AtwCalendar,
    peildatum: date,
    wijk: str | None = None,
) -> Iterator[tuple[str, str, Mapping[str, Any], ClockResult]]:
    """Each (clock id, zaak id) candidate's clock as of the peildatum, with its zaak document.

    Candidates whose clock is not configured, whose document is gone, whose zaak is of
    another wijk than ``wijk`` (when given) or whose clock has not started are left out.
    Open over termijn and bijna over termijn both read the zaken this way, so the two lists
    and the alerts see the same clocks.
    """
    for clock_id, zaak_id in candidates:
        clock, document = clocks.get(clock_id), documents.get(zaak_id)
        if clock is None or document is None or (wijk and document.get("wijk") != wijk):
            continue
        result = compute_clock(clock, history_of(document), calendar, peildatum)
        if result is not None:
            yield clock_id, zaak_id, document, result


@dataclass(frozen=True)
class OverTermijn:
    zaak_id: str
    wet: str
    wijk: str
    clock: str
    due: date
    days_over: int

    def row(self) -> dict[str, Any]:
        return {
            "zaak_id": self.zaak_id,
            "wet": self.wet,
            "wijk": self.wijk,
            "clock": self.clock,
            "due": self.due.isoformat(),
            "days_over": self.days_over,
        }


def open_over_termijn(
    candidates: Iterable[tuple[str, str]],
    documents: Mapping[str, Mapping[str, Any]],
    clocks: Mapping[str, ClockConfig],
    calendar: AtwCalendar,
    peildatum: date,
    wijk: str | None = None,
) -> dict[str, list[OverTermijn]]:
    """Per clock id: the zaken over termijn on the peildatum, longest over first."""
    found: dict[str, list[OverTermijn]] = {}
    for clock_id, zaak_id, document, result in clocks_on(
        candidates, documents, clocks, calendar, peildatum, wijk
    ):
        if not result.overdue_on(peildatum):
            continue
        found.setdefault(clock_id, []).append(
            OverTermijn(
                zaak_id,
                str(result.wet),
                str(document.get("wijk")),
                clock_id,
                result.due,
                result.days_over(peildatum),
            )
        )
    for rows in found.values():
        rows.sort(key=lambda r: (-r.days_over, r.due, r.zaak_id))
    return found


OverTermijnCell = tuple[str, str, str, str]
"""(wet, wijk, periode, clock) of the open-over-termijn KPI cells."""


def over_termijn_cells(found: Mapping[str, list[OverTermijn]]) -> Counter[OverTermijnCell]:
    """Zaken over termijn per cell, counted in the periodes of their due date.

    The periode of the due date, not of the peildatum: the cells say how long the backlog
    on the peildatum has been over termijn (due in 2026-01, in 2026-02, ...), and a due date
    is always before the peildatum, so every periode is known on it. As in every cell, a
    zaak counts in its wijk and in gemeente.
    """
    cells: Counter[OverTermijnCell] = Counter()
    for rows in found.values():
        for r in rows:
            for periode in periods_of(r.due):
                for wijk in (r.wijk, GEMEENTE):
                    cells[r.wet, wijk, periode, r.clock] += 1
    return cells


OPEN_OVER_TERMIJN = KpiDefinition(
    name=KPI,
    version=VERSION,
    title="Open over termijn per wet, wijk, periode of the due date and clock",
    summary="Open over termijn (docs/domain.md#kpi-open-over-termijn) as cells: per wet, wijk, "
    "periode and clock, `n` = "
    "the zaken whose due date (after opschorting, verdaging and the Atw shift, as of the "
    "peildatum) is before the peildatum and whose clock had not ended on it: neither its "
    "stopping event nor, while that is not known, zaak.afgesloten or (for a step before the "
    "besluit) the besluit, on or before the peildatum. **periode is the periode of the due "
    "date**: the cells tell how long the backlog on the peildatum has been over termijn; a "
    "zaak counts in the month, half-year and year its term ran out, in its wijk and in "
    "gemeente. Computed per request, exactly, for any peildatum (so `weggelaten_perioden` is "
    'always empty). For publiek a count below the threshold is `"<5"`. The zaken '
    "themselves: `GET /api/v1/open-over-termijn` (role analist).",
    figure_docs={
        CLOCK: "the clock (domain configuration clock id)",
        "n": "zaken over termijn on the peildatum for that clock, due in the periode",
    },
    counts=frozenset({"n"}),
    basis="n",
    source=CellSource.TERMIJNEN,
    parameters={CLOCK: "Only this clock."},
)
