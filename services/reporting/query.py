"""Query parameters and checks every reporting route shares: wet, wijk, peildatum, and the
refusal of unknown parameters (a mistyped filter must not silently answer with everything)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BeforeValidator

from shared.core.domain_config import GEMEENTE, ONBEKEND, DomainConfig, Wet


def iso_date(value: Any) -> Any:
    # Only YYYY-MM-DD: pydantic would also read a number as a Unix time.
    if not (isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-"):
        raise ValueError("must be an ISO date, YYYY-MM-DD")
    return value


WetQuery = Annotated[Wet | None, Query(description="Only this wet.")]
WijkQuery = Annotated[
    str | None,
    Query(
        description=f"A configured wijk name (e.g. `Brandevoort`), `{ONBEKEND}` or "
        f"`{GEMEENTE}` (all wijken together).",
        examples=["Brandevoort", GEMEENTE],
    ),
]
PeildatumQuery = Annotated[
    date | None,
    Query(description="Count events up to this date; default today (Europe/Amsterdam)."),
    BeforeValidator(iso_date),
]


def refuse_unknown_parameters(request: Request, known: Iterable[str]) -> None:
    unknown = sorted(set(request.query_params) - set(known))
    if unknown:
        names = ", ".join(sorted(known))
        raise RequestValidationError(
            [
                {"loc": ("query", name), "msg": f"unknown parameter; known: {names}"}
                for name in unknown
            ]
        )


def configured_wijk(wijk: str | None, domain: DomainConfig) -> str | None:
    if wijk is None:
        return None
    for name in [*domain.wijk_names, ONBEKEND, GEMEENTE]:
        if name.casefold() == wijk.strip().casefold():
            return name
    raise invalid("wijk", f"not a configured wijk, {ONBEKEND} or {GEMEENTE}")


def peildatum_or_today(peildatum: date | None, today: date) -> date:
    if peildatum is not None and peildatum > today:
        raise invalid("peildatum", "may not be after today (Europe/Amsterdam)")
    return peildatum or today


def invalid(field: str, reason: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("query", field), "msg": reason}])
