"""The value types every event field is built from, strict where senders go wrong.

Validation is lax in pydantic by default (``"yes"`` becomes True, ``1700000000`` becomes a
date). A case system that sends such values has a bug we want it to hear about, so dates,
times, booleans and numbers are strict here. Free text is avoided: codes and slugs have a
pattern, so a name or an address cannot ride along in a field meant for a code.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from shared.contract.events.bsn import looks_like_bsn
from shared.contract.events.patterns import CODE_PATTERN, SLUG_PATTERN, TEXT_PATTERN

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")
# Business dates before the Wmo 2015 era or far ahead are typing errors (0202, 2206), not facts.
EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2099, 12, 31)


def _date_only(value: Any) -> Any:
    if isinstance(value, datetime):  # a datetime is a date too; a business date has no time
        raise PydanticCustomError("date_type", "must be a date (YYYY-MM-DD), not a date-time")
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise PydanticCustomError("date_type", "must be an ISO date written as YYYY-MM-DD")


def _plausible(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise PydanticCustomError("date_range", "must lie between 1990-01-01 and 2099-12-31")
    return value


def _rfc3339_only(value: Any) -> Any:
    if isinstance(value, datetime) or (isinstance(value, str) and _RFC3339.fullmatch(value)):
        return value
    raise PydanticCustomError(
        "datetime_type",
        "must be an RFC 3339 timestamp with a UTC offset, e.g. 2026-03-02T09:15:00Z",
    )


def _utc(value: datetime) -> datetime:
    # One spelling per instant: replay must give byte-identical output.
    return value.astimezone(UTC)


def _not_a_bsn(value: str) -> str:
    if looks_like_bsn(value):
        raise PydanticCustomError("bsn_not_allowed", "must not be a BSN (it passes the 11-proef)")
    return value


IsoDate = Annotated[date, BeforeValidator(_date_only), AfterValidator(_plausible)]
"""A local business date (Europe/Amsterdam), ``YYYY-MM-DD``; date-times are refused."""

Rfc3339Time = Annotated[AwareDatetime, BeforeValidator(_rfc3339_only), AfterValidator(_utc)]
"""An instant with its UTC offset; stored in UTC."""

Identifier = Annotated[
    StrictStr, StringConstraints(min_length=1, max_length=128, pattern=TEXT_PATTERN)
]
"""An opaque id: printable, no leading, trailing or double spaces."""

Pseudonym = Annotated[Identifier, AfterValidator(_not_a_bsn)]
"""An opaque keyed pseudonym; a value that could be a BSN is refused."""

Code = Annotated[StrictStr, StringConstraints(pattern=CODE_PATTERN)]
"""A code from a code list (iWmo/iJw product, AGB, reden): no spaces, so no free text."""

Slug = Annotated[StrictStr, StringConstraints(pattern=SLUG_PATTERN)]
"""A lower-case slug such as ``aanvulling-gevraagd``: a category, never free text."""

WijkNaam = Annotated[
    StrictStr, StringConstraints(min_length=1, max_length=64, pattern=TEXT_PATTERN)
]
"""A configured wijk name as in the domain configuration, or ``onbekend``."""

Flag = StrictBool
Days = Annotated[StrictInt, Field(gt=0, le=3650)]
Amount = Annotated[StrictFloat, Field(ge=0, allow_inf_nan=False)]
