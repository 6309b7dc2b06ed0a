"""Validation problems a sender can act on, that never repeat what the sender sent.

pydantic's messages sometimes quote the input (a UUID parser names the bad character) and
its exceptions always carry it; a BSN or a name in an error answer or a log line is a data
leak. So a problem is rebuilt from the error's location and type only, keys that could be
data are masked, and the pydantic exception is not chained.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from typing import TypedDict

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from shared.contract.events.patterns import PATTERN_LABELS

_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")
_REASONS = {
    "missing": "is required",
    "extra_forbidden": "is not part of this event type's contract",
    "union_tag_invalid": "is not an event type in the catalog",
    "union_tag_not_found": "is required",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "int_type": "must be a whole number",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
    "date_from_datetime_parsing": "is not a valid calendar date",
    "datetime_from_date_parsing": "is not a valid timestamp",
    "timezone_aware": "must have a UTC offset",
}


class Problem(TypedDict):
    """One problem: where (dotted path), why (human text) and a short machine code."""

    field: str
    reason: str
    type: str


class EventValidationError(ValueError):
    """The event is not valid; ``problems`` lists every reason, none quoting the input."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p['field'] or '(event)'}: {p['reason']}" for p in problems))


def problem(field: str, reason: str, code: str) -> Problem:
    return Problem(field=field, reason=reason, type=code)


def problems_from(
    exc: ValidationError, *, prefix: Sequence[str] = (), tags: Collection[str] = ()
) -> list[Problem]:
    """The problems of a pydantic error; ``tags`` are union tags to drop from locations."""
    return [_problem(err, prefix, tags) for err in exc.errors(include_url=False)]


def _problem(err: ErrorDetails, prefix: Sequence[str], tags: Collection[str]) -> Problem:
    loc = list(err["loc"])
    if loc and loc[0] in tags:  # a discriminated union puts the type name first
        loc = loc[1:]
    code = err["type"]
    if code in ("union_tag_invalid", "union_tag_not_found"):
        loc = ["type"]
    return problem(_path([*prefix, *loc]), _reason(err), code)


def _path(loc: Iterable[str | int]) -> str:
    # An unknown key is echoed only when it looks like a field name, not like a value.
    return ".".join(
        str(part) if isinstance(part, int) or _FIELD_NAME.fullmatch(part) else "<key>"
        for part in loc
    )


def _reason(err: ErrorDetails) -> str:
    code, ctx = err["type"], err.get("ctx") or {}
    if code in _REASONS:
        return _REASONS[code]
    if code in ("enum", "literal_error") and "expected" in ctx:
        return f"must be one of {ctx['expected']}"
    if code == "string_pattern_mismatch":
        return "must be " + PATTERN_LABELS.get(str(ctx.get("pattern")), "of the documented form")
    message = err["msg"].removeprefix("Value error, ")
    text = str(err.get("input", ""))
    if len(text) >= 2 and text in message:
        return f"is not valid ({code})"
    return message
