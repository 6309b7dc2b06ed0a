"""Parsing one delivered value (JSON scalar or CSV text) into a Python value, or None.

Pure. Each parser raises ``ValueError`` with a reason that never repeats the value: the
reason ends up in a delivery report, and the value may be a BSN, a name or an address.
"""

from __future__ import annotations

import re
from datetime import date

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DUTCH = re.compile(r"(\d{2})-(\d{2})-(\d{4})")
_AMOUNT = re.compile(r"\d{1,9}(?:\.\d{1,2})?")
_TRUE = {"true", "ja", "j", "yes", "y", "1", "waar"}
_FALSE = {"false", "nee", "n", "no", "0", "onwaar"}


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object, max_length: int = 200) -> str | None:
    if blank(value):
        return None
    if not isinstance(value, str | int):
        raise ValueError("must be text")
    result = str(value).strip()
    if len(result) > max_length:
        raise ValueError(f"is longer than {max_length} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in result):
        raise ValueError("contains control characters")
    return result


def iso_date(value: object) -> date | None:
    """``YYYY-MM-DD`` (DDAS) or ``DD-MM-YYYY`` (a Dutch spreadsheet); nothing ambiguous."""
    if blank(value):
        return None
    if not isinstance(value, str):
        raise ValueError("must be a date written as YYYY-MM-DD")
    stripped = value.strip()
    if match := _ISO.fullmatch(stripped):
        year, month, day = match.groups()
    elif match := _DUTCH.fullmatch(stripped):
        day, month, year = match.groups()
    else:
        raise ValueError("must be a date written as YYYY-MM-DD")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError("is not a calendar date") from None


def amount(value: object) -> float | None:
    """Euros: a JSON number, or text like ``450``, ``450.50`` or ``450,50``."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("must be an amount in euros")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        cleaned = value.strip().replace(",", ".")
        negative = cleaned.startswith("-")
        if not _AMOUNT.fullmatch(cleaned.removeprefix("-")):
            raise ValueError("must be an amount in euros, e.g. 450 or 450,50")
        number = -float(cleaned[1:]) if negative else float(cleaned)
    else:
        raise ValueError("must be an amount in euros")
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("must be a finite amount")
    if number < 0:
        raise ValueError("must be 0 or more")
    return number


def flag(value: object) -> bool | None:
    if blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().casefold() in _TRUE:
        return True
    if isinstance(value, str) and value.strip().casefold() in _FALSE:
        return False
    raise ValueError("must be true or false (ja/nee, 1/0)")
