"""``GET /api/v1/wachtend``: zaken granted whose care has not started on the peildatum.

The counts per wet and wijk follow the small-number rule (docs/domain.md#small-numbers); the list
of single zaken (ids, grant dates, ages) is for the role analist, and for a teamleider that of
its own wijken (services/reporting/scopes.py), as for open over termijn.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from services.reporting.access import Caller, current_caller
from services.reporting.query import (
    PeildatumQuery,
    WetQuery,
    WijkQuery,
    configured_wijk,
    peildatum_or_today,
    refuse_unknown_parameters,
)
from services.reporting.scopes import list_scope
from services.reporting.wachtend.lists import counts, wachtend_on
from services.reporting.wiring import Reporting
from shared.core.domain_config import GEMEENTE, ONBEKEND, Wet
from shared.core.kpi.suppression import SMALL
from shared.core.kpi.wachtend import DEFINITIE
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
from shared.platform.problems import problem_response

router = APIRouter(prefix="/api/v1", tags=["wachttijd"])


class WachtendRow(BaseModel):
    zaak_id: str
    wet: str
    wijk: str
    sinds: date = Field(description="the grant the wait runs from (as for wachttijd)")
    grond: str = Field(description="besluit (toegekend) or toewijzing (no besluit)")
    dagen: int = Field(description="calendar days from `sinds` to the peildatum")


class WachtendCount(BaseModel):
    wet: str
    wijk: str = Field(description="a wijk, onbekend, or gemeente (all wijken together)")
    n: int | str = Field(
        description='zaken wachtend; "<5" for a small count (disclosure-controlled roles)'
    )


class WachtendAnswer(Paged):
    definitie: str
    peildatum: date
    counts: list[WachtendCount] = Field(
        description="per wet and wijk with any zaak wachtend; complete on every page"
    )
    zaken: list[WachtendRow] | None = Field(
        description="this page of the zaken, longest waiting first (then zaak_id); null for "
        "the roles that see counts only (all but analist and teamleider). `total` counts the "
        "zaken of all pages; null for those roles. For a teamleider the counts and zaken are "
        "those of its wijken (no gemeente row)."
    )


_ZAAK_COLUMNS = tuple(WachtendRow.model_fields)
_COUNT_COLUMNS = ("wet", "wijk", "n", "verborgen")


@router.get(
    "/wachtend",
    summary="Zaken granted whose care has not started on the peildatum, with their age",
    description="Wachtend (docs/domain.md#kpi-wachtend): zaken with a grant known on the peildatum "
    "(a besluit with uitkomst toegekend or, for a zaak without any besluit, its earliest "
    "zorg.toegewezen) and no zorg.gestart known on it; a zaak closed (zaak.afgesloten) by "
    "then waits no more. The age is the calendar days from the grant to the peildatum, the "
    "start point wachttijd uses. Events dated after the peildatum do not count, and a "
    "corrected fact counts in its current version only. Counts per wet and wijk (and "
    'gemeente); publiek sees them with small numbers as "<5", the role analist also the '
    "list (zaak_id, wet, wijk, sinds, grond, dagen), a teamleider the counts and the list of "
    "its own wijken (another wijk: 403). No names or pseudonyms.",
    response_model=WachtendAnswer,
    responses={
        **list_responses(
            "zaak_id,wet,wijk,sinds,grond,dagen\r\nZ-7,wmo,Stiphout,2026-02-02,besluit,40\r\n"
        ),
        401: problem_response("X-API-Key is not a known key"),
        422: problem_response("invalid query; each parameter and reason is listed"),
        503: problem_response("the figures store (Redis) does not answer"),
    },
)
async def wachtend_route(
    request: Request,
    caller: Annotated[Caller, Depends(current_caller)],
    peildatum: PeildatumQuery = None,
    wet: WetQuery = None,
    wijk: WijkQuery = None,
    limit: LimitQuery = 100,
    cursor: CursorQuery = None,
    format: FormatQuery = None,
) -> Response:
    reporting: Reporting = request.app.state.reporting
    refuse_unknown_parameters(request, ("peildatum", "wet", "wijk", *PAGING_PARAMETERS))
    after = decode_cursor(cursor, (int, str))
    wijk = configured_wijk(wijk, reporting.domain)
    scope = list_scope(request, caller)
    if scope is not None:
        wijk = scope.wijk_filter(wijk)
    peildatum = peildatum_or_today(peildatum, await reporting.current_date())
    documents = await reporting.wachtend.candidates(peildatum)
    rows = wachtend_on(documents, peildatum, wet.value if wet else None, wijk)
    if scope is not None:  # a teamleider: its wijken only, counts included
        rows = [r for r in rows if scope.allows(r.wijk)]
    threshold = reporting.domain.small_numbers.threshold
    zaak_level = scope is not None
    exact = zaak_level or caller.role.sees_small_numbers
    wets = {w.value: i for i, w in enumerate(Wet)}
    wijken = {w: i for i, w in enumerate([*reporting.domain.wijk_names, ONBEKEND, GEMEENTE])}
    counted = sorted(
        (
            item
            for item in counts(rows, wijk).items()
            # a teamleider's "gemeente" would be its wijken only: left out, not mislabelled
            if scope is None or scope.wijken is None or item[0][1] != GEMEENTE
        ),
        key=lambda c: (wets.get(c[0][0], len(wets)), wijken.get(c[0][1], len(wijken)), c[0]),
    )
    small = sum(1 for _, n in counted if n < threshold)
    if exact and not zaak_level and small:
        # exact small counts without the zaken (privacy-officer): logged like a person-level
        # read (services/reporting/access.py); a zaak-level read is logged as zaakniveau
        request.state.small_numbers_read = small
    page: Page[WachtendRow] = Page([], 0, None)  # publiek: counts only, no list
    if zaak_level:
        page = page_of(
            [WachtendRow.model_validate(r.row()) for r in rows],
            lambda r: (-r.dagen, r.zaak_id),
            limit,
            after,
        )
    answer = WachtendAnswer(
        definitie=DEFINITIE,
        peildatum=peildatum,
        counts=[
            WachtendCount(
                wet=w,
                wijk=where,
                n=n if exact or n >= threshold else SMALL.format(threshold=threshold),
            )
            for (w, where), n in counted
        ],
        zaken=page.items if zaak_level else None,
        **paged(request, page.total if zaak_level else None, page.next_key),
    )

    def table() -> CsvTable:
        if zaak_level:
            return CsvTable(_ZAAK_COLUMNS, [r.model_dump() for r in page.items])
        return CsvTable(_COUNT_COLUMNS, [_count_row(c) for c in answer.counts])

    return respond(request, answer, table)


def _count_row(count: WachtendCount) -> dict[str, object]:
    """A count for CSV: a suppressed one as an empty n and its marker in ``verborgen``."""
    shown = isinstance(count.n, int)
    return {
        "wet": count.wet,
        "wijk": count.wijk,
        "n": count.n if shown else None,
        "verborgen": None if shown else count.n,
    }
