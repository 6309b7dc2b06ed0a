"""Deadlines: ``/open-over-termijn``, ``/zaken/{zaak_id}/termijnen`` and the ``/alerts`` feed.

Single zaken (ids, their dates) are shown to the role analist, and to a teamleider for the
wijken of its claim (services/reporting/scopes.py); the other roles get the counts per clock,
with counts below the small-number threshold shown as "<5" where the role's figures are
disclosure-controlled (docs/domain.md#small-numbers).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, BeforeValidator, Field

from services.reporting.access import Caller, current_caller
from services.reporting.query import (
    PeildatumQuery,
    WetQuery,
    WijkQuery,
    configured_wijk,
    invalid,
    iso_date,
    peildatum_or_today,
    refuse_unknown_parameters,
)
from services.reporting.scopes import list_scope, require_zaak_scope
from services.reporting.termijnen.bijna import find_bijna
from services.reporting.termijnen.explanation import termijnen
from services.reporting.termijnen.over_termijn import find_over_termijn
from services.reporting.wiring import Reporting
from shared.core.alerts import AlertKind
from shared.core.domain_config import GEMEENTE
from shared.core.kpi.open_over_termijn import DEFINITIE
from shared.core.kpi.suppression import SMALL
from shared.platform.api_rules import (
    PAGING_PARAMETERS,
    CsvTable,
    CursorQuery,
    FormatQuery,
    LimitQuery,
    Page,
    Paged,
    decode_cursor,
    list_responses,
    page_of,
    paged,
    respond,
)
from shared.platform.problems import ProblemError, problem_response

router = APIRouter(prefix="/api/v1")

ClockQuery = Annotated[
    str | None, Query(description="Only this clock (an id of the domain configuration).")
]
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: problem_response("X-API-Key is not a known key"),
    422: problem_response("invalid query; each parameter and reason is listed"),
    503: problem_response("the figures store (Redis) does not answer"),
}
_ZAAK_LEVEL: dict[int | str, dict[str, Any]] = {
    403: problem_response(
        "single zaken are for the role analist, and for a teamleider those of its wijken"
    )
}


class OverTermijnRow(BaseModel):
    zaak_id: str
    wet: str
    wijk: str
    clock: str
    due: date
    days_over: int = Field(description="days between the due date and the peildatum")


class ClockCount(BaseModel):
    clock: str
    wet: str
    n: int | str = Field(
        description='zaken over termijn; "<5" for a small count (disclosure-controlled roles)'
    )
    zaken: list[OverTermijnRow] | None = Field(
        description="the zaken, longest over termijn first; null for the roles that see "
        "counts only (all but analist and teamleider)"
    )


class OpenOverTermijn(Paged):
    definitie: str
    peildatum: date
    clocks: list[ClockCount] = Field(
        description="clocks with at least one zaak over termijn, each with its full count `n`; "
        "`zaken` holds this page's zaken of the clock (the list is paged across the clocks in "
        "their configured order). `total` counts the zaken of all pages; null for the roles "
        "that see counts only. For a teamleider the counts and zaken are those of its wijken."
    )


_OVER_TERMIJN_COLUMNS = ("zaak_id", "wet", "wijk", "clock", "due", "days_over")
_OVER_TERMIJN_PUBLIEK = ("clock", "wet", "n", "verborgen")


@router.get(
    "/open-over-termijn",
    tags=["termijnen"],
    summary="Zaken over their legal term on the peildatum, per clock",
    description="Per clock, the zaken whose due date is before the peildatum and whose clock "
    "had not ended on it (docs/domain.md#kpi-open-over-termijn): neither its stopping event "
    "nor, while that is not known, zaak.afgesloten or (for a step before the besluit: "
    "wmo-onderzoek, wgs-eerste-gesprek, sth-opgepakt) the besluit, on or before the peildatum. "
    "Due dates follow opschorting, verdaging and the Atw shift as of the peildatum. Publiek sees "
    "the counts; the role analist also the list (zaak_id, wet, wijk, clock, due, days_over); a "
    "teamleider the counts and the list of its own wijken (another wijk: 403).",
    response_model=OpenOverTermijn,
    responses={
        **_ERRORS,
        **list_responses(
            "zaak_id,wet,wijk,clock,due,days_over\r\nZ-1,wmo,Warande,wmo-besluit,2026-03-02,12\r\n"
        ),
    },
)
async def open_over_termijn_route(
    request: Request,
    caller: Annotated[Caller, Depends(current_caller)],
    peildatum: PeildatumQuery = None,
    wet: WetQuery = None,
    wijk: WijkQuery = None,
    clock: ClockQuery = None,
    limit: LimitQuery = 100,
    cursor: CursorQuery = None,
    format: FormatQuery = None,
) -> Response:
    reporting: Reporting = request.app.state.reporting
    refuse_unknown_parameters(request, ("peildatum", "wet", "wijk", "clock", *PAGING_PARAMETERS))
    after = decode_cursor(cursor, (int, int, str, str))
    wijk = configured_wijk(wijk, reporting.domain)
    scope = list_scope(request, caller)
    if scope is not None:
        wijk = scope.wijk_filter(wijk)
    peildatum = peildatum_or_today(peildatum, await reporting.current_date())
    clocks = {
        c.id: c
        for c in reporting.domain.clocks
        if (clock is None or c.id == clock) and (wet is None or c.wet is wet)
    }
    if clock is not None and clock not in {c.id for c in reporting.domain.clocks}:
        raise invalid("clock", "not a clock of the domain configuration")
    found = await find_over_termijn(reporting, peildatum, clocks, wijk)
    if scope is not None:  # a teamleider: its wijken only, counts included
        found = {c: [r for r in rows if scope.allows(r.wijk)] for c, rows in found.items()}
    threshold = reporting.domain.small_numbers.threshold
    zaak_level = scope is not None
    exact = zaak_level or caller.role.sees_small_numbers
    # One total order over all clocks: the clock's place, longest over termijn, zaak_id.
    order = {clock_id: i for i, clock_id in enumerate(clocks)}
    page: Page[OverTermijnRow] = Page([], 0, None)  # publiek: counts only, no list
    if zaak_level:
        page = page_of(
            [OverTermijnRow.model_validate(r.row()) for rows in found.values() for r in rows],
            lambda r: (order[r.clock], -r.days_over, r.due.isoformat(), r.zaak_id),
            limit,
            after,
        )
    counts = []
    for clock_id, config in clocks.items():
        rows = found.get(clock_id)
        if not rows:
            continue
        n: int | str = len(rows)
        if not exact and len(rows) < threshold:
            n = SMALL.format(threshold=threshold)
        listed = [r for r in page.items if r.clock == clock_id] if zaak_level else None
        counts.append(ClockCount(clock=clock_id, wet=config.wet.value, n=n, zaken=listed))
    small = sum(1 for c in counts if isinstance(c.n, int) and c.n < threshold)
    if exact and not zaak_level and small:
        # exact small counts without the zaken (privacy-officer): logged like a person-level
        # read (services/reporting/access.py); a zaak-level read is logged as zaakniveau
        request.state.small_numbers_read = small
    answer = OpenOverTermijn(
        definitie=DEFINITIE,
        peildatum=peildatum,
        clocks=counts,
        **paged(request, page.total if zaak_level else None, page.next_key),
    )

    def table() -> CsvTable:
        if zaak_level:
            return CsvTable(_OVER_TERMIJN_COLUMNS, [r.model_dump() for r in page.items])
        return CsvTable(_OVER_TERMIJN_PUBLIEK, [_count_row(c) for c in counts])

    return respond(request, answer, table)


def _count_row(count: ClockCount) -> dict[str, Any]:
    """A count for CSV: a suppressed one as an empty n and its marker in ``verborgen``."""
    shown = isinstance(count.n, int)
    return {
        "clock": count.clock,
        "wet": count.wet,
        "n": count.n if shown else None,
        "verborgen": None if shown else count.n,
    }


class BijnaRow(BaseModel):
    zaak_id: str
    wet: str
    wijk: str
    clock: str
    due: date
    warning_on: date = Field(description="the first day of the clock's warning window")
    days_left: int = Field(description="days from the peildatum to the due date (0: today)")
    opgeschort: bool = Field(description="the clock stands still (opschorting) on the peildatum")


class BijnaOverTermijn(Paged):
    peildatum: date
    zaken: list[BijnaRow] = Field(
        description="this page of the zaken, per clock in their configured order, soonest "
        "due first; `total` counts all pages"
    )


_BIJNA_COLUMNS = tuple(BijnaRow.model_fields)


@router.get(
    "/bijna-over-termijn",
    tags=["termijnen"],
    summary="Zaken near their legal term on the peildatum: running, in the warning window",
    description="The clocks that still run on the peildatum and whose due date is in the "
    "clock's configured warning window (from the day of its waarschuwing alert up to and "
    "including the due date; docs/domain.md#alerts); the clocks without a warning are never "
    "listed. Due dates as for open over termijn. Single zaken: role analist, and a teamleider "
    "for its wijken (without a wijk: all its wijken; another wijk: 403).",
    response_model=BijnaOverTermijn,
    responses={
        **_ERRORS,
        **_ZAAK_LEVEL,
        **list_responses(",".join(_BIJNA_COLUMNS) + "\r\n"),
    },
)
async def bijna_over_termijn_route(
    request: Request,
    caller: Annotated[Caller, Depends(current_caller)],
    peildatum: PeildatumQuery = None,
    wet: WetQuery = None,
    wijk: WijkQuery = None,
    clock: ClockQuery = None,
    limit: LimitQuery = 100,
    cursor: CursorQuery = None,
    format: FormatQuery = None,
) -> Response:
    reporting: Reporting = request.app.state.reporting
    refuse_unknown_parameters(request, ("peildatum", "wet", "wijk", "clock", *PAGING_PARAMETERS))
    scope = require_zaak_scope(request, caller)
    after = decode_cursor(cursor, (int, int, str))
    wijk = scope.wijk_filter(configured_wijk(wijk, reporting.domain))
    if clock is not None and clock not in {c.id for c in reporting.domain.clocks}:
        raise invalid("clock", "not a clock of the domain configuration")
    peildatum = peildatum_or_today(peildatum, await reporting.current_date())
    clocks = {
        c.id: c
        for c in reporting.domain.clocks
        if (clock is None or c.id == clock) and (wet is None or c.wet is wet)
    }
    found = [
        b for b in await find_bijna(reporting, peildatum, clocks, wijk) if scope.allows(b.wijk)
    ]
    order = {clock_id: i for i, clock_id in enumerate(clocks)}
    page = page_of(
        [BijnaRow.model_validate(b.row()) for b in found],
        lambda r: (order[r.clock], r.days_left, r.zaak_id),
        limit,
        after,
    )
    answer = BijnaOverTermijn(
        peildatum=peildatum, zaken=page.items, **paged(request, page.total, page.next_key)
    )
    return respond(
        request, answer, lambda: CsvTable(_BIJNA_COLUMNS, [r.model_dump() for r in page.items])
    )


class Termijnen(BaseModel):
    zaak_id: str
    wet: str | None
    wijk: str | None
    peildatum: date
    termijnen: list[dict[str, Any]] = Field(
        description="per started clock: status (lopend, opgeschort, over-termijn, tijdig, "
        "te-laat), start, due, warning_on, stopped (its own stopping event), end and ended_by "
        "(where the clock ended: its stopping event or, without one, zaak.afgesloten or the "
        "besluit; tijdig and te-laat judge the end), days_over and the steps that made the "
        "due date, each with its reason in words"
    )


@router.get(
    "/zaken/{zaak_id}/termijnen",
    tags=["termijnen"],
    summary="The legal terms of one zaak and why each due date is what it is",
    description="Every clock of the zaak's wet that has started, as of the peildatum, with "
    "the steps that made its due date: the term from the start, each opschorting and "
    "verdaging (counted or not, and why), the Atw shift past weekend and feestdagen, and the "
    "stopping event (step stop) or the event that ended the clock without it (step einde). "
    "Role analist, and a teamleider for a zaak of its wijken.",
    response_model=Termijnen,
    responses={**_ERRORS, **_ZAAK_LEVEL, 404: problem_response("no zaak with this id")},
)
async def termijnen_route(
    request: Request,
    caller: Annotated[Caller, Depends(current_caller)],
    zaak_id: Annotated[str, Path(description="the case system's zaak id")],
    peildatum: PeildatumQuery = None,
) -> Termijnen:
    reporting: Reporting = request.app.state.reporting
    refuse_unknown_parameters(request, ("peildatum",))
    scope = require_zaak_scope(request, caller)
    peildatum = peildatum_or_today(peildatum, await reporting.current_date())
    document = await reporting.termijnen.zaak(zaak_id)
    if document is not None:
        scope.require_zaak(document.get("wijk"))
    if document is None:
        raise ProblemError(
            404,
            "unknown-zaak",
            "Unknown zaak",
            "no events of this zaak have reached the KPI workers",
            [{"field": "zaak_id", "reason": "unknown"}],
        )
    return Termijnen(
        zaak_id=zaak_id,
        wet=document.get("wet"),
        wijk=document.get("wijk"),
        peildatum=peildatum,
        termijnen=termijnen(document, reporting.domain, reporting.calendar, peildatum),
    )


class AlertRow(BaseModel):
    alert_id: str
    type: str = Field(description="alert.waarschuwing, alert.termijn-overschreden or "
                      "alert.opgelost-na-termijn")  # fmt: skip
    zaak_id: str
    wet: str
    wijk: str
    clock: str
    due: date
    datum: date = Field(description="the day the alert became due")
    historisch: bool = Field(
        description="listed, not pushed: the term had passed before Wijkpuls first saw the "
        "zaak, or the alert became due more than the configured window before the worker knew "
        "it; recomputed from the zaak's current history"
    )


class AlertFeed(Paged):
    alerts: list[AlertRow] = Field(description="this page of the feed, newest first")


_ALERT_COLUMNS = tuple(AlertRow.model_fields)


@router.get(
    "/alerts",
    tags=["alerts"],
    summary="Recent alerts, newest first",
    description="The alerts of the KPI workers (docs/domain.md#alerts), each once, by its "
    "stable alert_id. "
    "Pushed alerts (historisch false) are a log: once given they stay. historisch alerts (the "
    "term had passed before Wijkpuls first saw the zaak, or the alert became due more than the "
    "configured window before the worker knew it) are listed here but never pushed to "
    "webhooks, and they are a view of each zaak's current history: recomputed whenever a fact "
    "of the zaak arrives, so one the complete history no longer supports disappears. Role "
    "analist, and a teamleider for its wijken (without a wijk: all its wijken).",
    response_model=AlertFeed,
    responses={
        **_ERRORS,
        **_ZAAK_LEVEL,
        **list_responses(",".join(_ALERT_COLUMNS) + "\r\n"),
    },
)
async def alerts_route(
    request: Request,
    caller: Annotated[Caller, Depends(current_caller)],
    since: Annotated[
        date | None,
        Query(description="only alerts with a datum on or after this date"),
        BeforeValidator(iso_date),
    ] = None,
    kind: Annotated[AlertKind | None, Query(description="only this kind")] = None,
    wet: WetQuery = None,
    wijk: WijkQuery = None,
    clock: ClockQuery = None,
    historisch: Annotated[bool | None, Query(description="only (not) historisch")] = None,
    limit: LimitQuery = 100,
    cursor: CursorQuery = None,
    format: FormatQuery = None,
) -> Response:
    reporting: Reporting = request.app.state.reporting
    known = ("since", "kind", "wet", "wijk", "clock", "historisch", *PAGING_PARAMETERS)
    refuse_unknown_parameters(request, known)
    scope = require_zaak_scope(request, caller)
    after = decode_cursor(cursor, (str, str))
    wijk = scope.wijk_filter(configured_wijk(wijk, reporting.domain))
    wanted = {
        "type": kind.event_type if kind else None,
        "wet": wet.value if wet else None,
        "wijk": None if wijk == GEMEENTE else wijk,
        "clock": clock,
        "historisch": historisch,
    }
    rows = [
        alert
        for alert in await reporting.termijnen.alerts(since)
        if all(value is None or alert.get(name) == value for name, value in wanted.items())
        and scope.allows(alert.get("wijk"))
    ]
    page = page_of(
        [AlertRow.model_validate(a) for a in rows],
        lambda a: (a.datum.isoformat(), a.alert_id),
        limit,
        after,
        descending=True,
    )
    answer = AlertFeed(alerts=page.items, **paged(request, page.total, page.next_key))
    return respond(
        request, answer, lambda: CsvTable(_ALERT_COLUMNS, [a.model_dump() for a in page.items])
    )
