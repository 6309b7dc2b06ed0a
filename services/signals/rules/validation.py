"""One delivered row -> a valid signal, or every problem with it (docs/domain.md#vroegsignalering).

Pure: no Kafka, Redis, FastAPI or database. ``today`` is injected so "not in the future" is
testable. A problem names the row, the field and the reason, never the value: reports and
logs must not repeat a BSN, a name or an address.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from services.signals.rules import values
from shared.contract.events.bsn import normalise_bsn
from shared.contract.events.patterns import TEXT_PATTERN
from shared.core.ddas import Signaalpartner, slugify
from shared.core.domain_config import normalise_postcode

_IDENTIFIER = re.compile(TEXT_PATTERN)
_HUISNUMMER = re.compile(r"[1-9][0-9]{0,4}")
_TOEVOEGING = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 -]{0,5}[A-Za-z0-9])?")
T = TypeVar("T")
_PARTNERS = {slugify(p.value): p for p in Signaalpartner}


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str
    reason: str


@dataclass(frozen=True)
class Identity:
    """What the vault keeps of the client; nothing of it leaves the signals service."""

    postcode: str  # normalised, 5701AB
    huisnummer: str
    toevoeging: str | None = None
    bsn: str | None = None
    voorletters: str | None = None
    voorvoegsel: str | None = None
    achternaam: str | None = None
    geboortedatum: date | None = None
    straat: str | None = None
    plaats: str | None = None


@dataclass(frozen=True)
class ValidSignal:
    signaal_id: str
    signaalpartner: Signaalpartner
    bedrag: float
    signaaldatum: date
    ontstaansdatum: date | None
    crisis: bool
    warme_overdracht: bool
    identity: Identity


class _Row:
    """Collects the problems of one row while its fields are parsed."""

    def __init__(self, raw: Mapping[str, object], row: int) -> None:
        self.raw, self.row, self.problems = raw, row, list[RowProblem]()

    def add(self, field: str, reason: str) -> None:
        self.problems.append(RowProblem(self.row, field, reason))

    def get(
        self, field: str, parse: Callable[[object], T | None], required: bool = False
    ) -> T | None:
        try:
            value = parse(self.raw.get(field))
        except ValueError as exc:
            self.add(field, str(exc))
            return None
        if value is None and required:
            self.add(field, "is required")
        return value


def validate_row(
    raw: Mapping[str, object],
    row: int,
    today: date,
    allowed_partners: Collection[Signaalpartner] = (),
) -> ValidSignal | list[RowProblem]:
    """``raw`` maps the field names of ``SIGNAL_FIELDS`` to what was delivered."""
    r = _Row(raw, row)
    signaal_id = r.get("signaal_id", _identifier, required=True)
    partner = r.get("signaalpartner", _partner, required=True)
    if partner is not None and allowed_partners and partner not in allowed_partners:
        r.add("signaalpartner", "is not a signaalpartner type this client may deliver")
    bedrag = r.get("bedrag", values.amount, required=True)
    signaaldatum = r.get("signaaldatum", values.iso_date, required=True)
    ontstaansdatum = r.get("ontstaansdatum", values.iso_date)
    _check_dates(r, signaaldatum, ontstaansdatum, today)
    crisis = r.get("crisissignaal", values.flag)
    warm = r.get("warme_overdracht", values.flag)
    identity = _identity(r, today)
    if r.problems:
        return r.problems
    assert signaal_id and partner and bedrag is not None and signaaldatum and identity
    return ValidSignal(
        signaal_id, partner, bedrag, signaaldatum, ontstaansdatum, bool(crisis), bool(warm),
        identity,
    )  # fmt: skip


def _check_dates(r: _Row, signaal: date | None, ontstaan: date | None, today: date) -> None:
    if signaal is not None and signaal > today:
        r.add("signaaldatum", "lies in the future")
    if ontstaan is not None and ontstaan > today:
        r.add("ontstaansdatum", "lies in the future")
    if signaal is not None and ontstaan is not None and signaal < ontstaan:
        r.add("signaaldatum", "lies before the ontstaansdatum")


def _identity(r: _Row, today: date) -> Identity | None:
    postcode = r.get("postcode", _postcode, required=True)
    huisnummer = r.get("huisnummer", _huisnummer, required=True)
    toevoeging = r.get("toevoeging", _toevoeging)
    bsn = r.get("bsn", _bsn)
    geboortedatum = r.get("geboortedatum", values.iso_date)
    if geboortedatum is not None and geboortedatum > today:
        r.add("geboortedatum", "lies in the future")
    names = {f: r.get(f, values.text) for f in ("voorletters", "voorvoegsel", "achternaam")}
    place = {f: r.get(f, values.text) for f in ("straat", "plaats")}
    if postcode is None or huisnummer is None:
        return None
    return Identity(
        postcode, huisnummer, toevoeging, bsn, geboortedatum=geboortedatum, **names, **place
    )


def _identifier(value: object) -> str | None:
    found = values.text(value, max_length=128)
    if found is not None and not _IDENTIFIER.fullmatch(found):
        raise ValueError("must be printable text without double spaces")
    return found


def _partner(value: object) -> Signaalpartner | None:
    found = values.text(value, max_length=64)
    if found is None:
        return None
    partner = _PARTNERS.get(slugify(found))
    if partner is None:
        raise ValueError("is not a DDAS signaalpartner type")
    return partner


def _postcode(value: object) -> str | None:
    found = values.text(value, max_length=16)
    if found is None:
        return None
    normalised = normalise_postcode(found)
    if normalised is None or len(normalised) != 6:
        raise ValueError("must be a Dutch postcode: 4 digits and 2 letters, e.g. 5701AB")
    return normalised


def _huisnummer(value: object) -> str | None:
    found = values.text(value, max_length=16)
    if found is not None and not _HUISNUMMER.fullmatch(found):
        raise ValueError("must be a whole number from 1 to 99999")
    return found


def _toevoeging(value: object) -> str | None:
    found = values.text(value, max_length=16)
    if found is not None and not _TOEVOEGING.fullmatch(found):
        raise ValueError("must be at most 7 letters, digits, spaces or hyphens")
    return found


def _bsn(value: object) -> str | None:
    found = values.text(value, max_length=16)
    if found is None:
        return None
    normalised = normalise_bsn(found)
    if normalised is None:
        raise ValueError("is not a valid BSN (9 digits that pass the 11-proef)")
    return normalised
