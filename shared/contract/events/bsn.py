"""Recognising a BSN, so the contract can refuse one wherever it must not be.

A BSN (burgerservicenummer) is 9 digits that pass the 11-proef. Older systems drop the
leading zero, so 8 digits count as well. The check is deliberately cheap and local: it is
used to *refuse* personal data in places that must stay pseudonymous (``subject``,
pseudonym fields) and to accept a real one only in the edge's ``client`` block.
"""

from __future__ import annotations

import re

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_SEPARATORS = re.compile(r"[\s.]")


def normalise_bsn(value: str) -> str | None:
    """``'1234.56.782'`` or ``'12345678'`` -> 9 digits; None when it cannot be a BSN.

    Both edges must pseudonymise the same person from the same digits, so the signals
    service should call this too before ``Pseudonymiser.person_from_bsn``.
    """
    digits = _SEPARATORS.sub("", value)
    if not (digits.isascii() and digits.isdigit() and len(digits) in (8, 9)):
        return None
    digits = digits.zfill(9)
    return digits if passes_elfproef(digits) else None


def passes_elfproef(digits: str) -> bool:
    """The BSN 11-proef on exactly 9 ASCII digits (all zeros is not a number anyone has)."""
    if len(digits) != 9 or not (digits.isascii() and digits.isdigit()) or digits == "0" * 9:
        return False
    return sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11 == 0


def looks_like_bsn(value: str) -> bool:
    """True when ``value`` could be a BSN, written with or without spaces or dots."""
    return normalise_bsn(value) is not None
