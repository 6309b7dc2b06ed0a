"""Delivery files read as streams: one row at a time, so a 100,000-row file stays small.

Each reader yields ``(row, fields)``: ``row`` is the 1-based number of the signal in the file
(the n-th data line of a CSV, the n-th vroegsignaal of a DDAS JSON delivery) and ``fields``
maps the names of ``SIGNAL_FIELDS`` to what was delivered.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import IO, Any

import ijson  # type: ignore[import-untyped]  # ships no py.typed and has no stub package

from shared.core.domain_config import REQUIRED_SIGNAL_FIELDS, SignalsCsv

Row = tuple[int, dict[str, object]]

# DDAS v0.9 Uitwisselmodel: leveringen[].vroegsignalen[] with a client object.
_DDAS_CLIENT = {
    "Burgerservicenummer": "bsn", "Voorletters": "voorletters", "Voorvoegsel": "voorvoegsel",
    "Achternaam": "achternaam", "Geboortedatum": "geboortedatum", "Straatnaam": "straat",
    "Postcode": "postcode", "Huisnummer": "huisnummer", "Huisnummertoevoeging": "toevoeging",
    "Plaatsnaam": "plaats",
}  # fmt: skip
_DDAS_SIGNAL = {
    "ID": "signaal_id", "bedrag": "bedrag", "ontstaansdatum": "ontstaansdatum",
    "signaaldatum": "signaaldatum", "crisissignaal": "crisissignaal",
    "warmeOverdracht": "warme_overdracht",
}  # fmt: skip
DDAS_LABELS = {
    **{ours: theirs for theirs, ours in _DDAS_SIGNAL.items()},
    **{ours: f"client.{theirs}" for theirs, ours in _DDAS_CLIENT.items()},
    "signaalpartner": "signaalpartner.type",
}
"""How a JSON delivery's report names a field: by its DDAS path."""


class DeliveryFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


class DeliveryFileError(ValueError):
    """The file as a whole cannot be read (no header, not JSON); the reason names no value."""


def read_csv(binary: IO[bytes], mapping: SignalsCsv) -> Iterator[Row]:
    text = io.TextIOWrapper(binary, encoding=mapping.encoding, newline="")
    reader = csv.reader(text, delimiter=mapping.delimiter)
    try:
        header = next(reader)
    except (StopIteration, UnicodeDecodeError, csv.Error):
        raise DeliveryFileError("the CSV has no readable header line") from None
    position = {name.strip().casefold(): i for i, name in enumerate(header)}
    columns = {f: position.get(h.casefold()) for f, h in mapping.columns.items()}
    missing = [mapping.columns[f] for f, i in columns.items() if i is None and _required(f)]
    if missing:
        raise DeliveryFileError(f"the CSV lacks the columns {missing}")
    try:
        for row, cells in enumerate(reader, start=1):
            if cells:
                yield row, {f: _cell(cells, i) for f, i in columns.items() if i is not None}
    except (UnicodeDecodeError, csv.Error):
        raise DeliveryFileError("the CSV is not readable text in the configured form") from None
    finally:
        text.detach()  # leave the caller's file open


def _required(field: str) -> bool:
    return field in REQUIRED_SIGNAL_FIELDS


def _cell(cells: list[str], index: int) -> str | None:
    return cells[index] if index < len(cells) else None


def read_ddas_json(binary: IO[bytes]) -> Iterator[Row]:
    """Every vroegsignaal of every levering, parsed one at a time (ijson)."""
    items = ijson.items(binary, "leveringen.item.vroegsignalen.item", use_float=True)
    try:
        for row, item in enumerate(items, start=1):
            yield row, _flatten(item)
    except ijson.JSONError:
        raise DeliveryFileError("the file is not a DDAS JSON delivery (invalid JSON)") from None


def _flatten(item: Any) -> dict[str, object]:
    if not isinstance(item, Mapping):
        return {}
    fields: dict[str, object] = {ours: item.get(theirs) for theirs, ours in _DDAS_SIGNAL.items()}
    partner = item.get("signaalpartner")
    fields["signaalpartner"] = partner.get("type") if isinstance(partner, Mapping) else None
    client = item.get("client")
    if isinstance(client, Mapping):
        fields.update({ours: client.get(theirs) for theirs, ours in _DDAS_CLIENT.items()})
    return fields


def guess_format(filename: str | None, content_type: str | None) -> DeliveryFormat:
    name, kind = (filename or "").casefold(), (content_type or "").casefold()
    if name.endswith(".json") or "json" in kind:
        return DeliveryFormat.JSON
    return DeliveryFormat.CSV
