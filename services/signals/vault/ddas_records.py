"""Reads the vault for one month's DDAS delivery: the zaken whose first signal lies in it.

Only the rows of those zaken are read, and identity is decrypted only when the export
carries the Client (``with_client``): the pseudonymous variant never touches a Fernet token.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import func, select

from services.signals.rules.ddas_export import ExportCase, ExportPoging, ExportSignal, month_bounds
from services.signals.vault.crypto import IdentityCipher
from services.signals.vault.schema import cases, contactpogingen, signals
from services.signals.vault.vault_context import SignalsCore

# Identity field -> DDAS Client attribute (v0.9 spelling).
CLIENT_FIELDS = {
    "bsn": "Burgerservicenummer", "voorletters": "Voorletters", "voorvoegsel": "Voorvoegsel",
    "achternaam": "Achternaam", "geboortedatum": "Geboortedatum", "straat": "Straatnaam",
    "postcode": "Postcode", "huisnummer": "Huisnummer", "toevoeging": "Huisnummertoevoeging",
    "plaats": "Plaatsnaam",
}  # fmt: skip


def month_cases(
    core: SignalsCore, maand: str, peildatum: date, *, with_client: bool
) -> list[ExportCase]:
    """Every zaak whose first signal known on ``peildatum`` lies in ``maand`` (uncut)."""
    first, last = month_bounds(maand)
    opened = (
        select(signals.c.case_id)
        .where(signals.c.signaaldatum <= peildatum)
        .group_by(signals.c.case_id)
        .having(func.min(signals.c.signaaldatum).between(first, last))
        .subquery()
    )
    with core.engine.connect() as conn:
        case_rows = conn.execute(select(cases).join(opened, opened.c.case_id == cases.c.id))
        found = {row.id: row for row in case_rows}
        by_case: dict[str, list[ExportSignal]] = defaultdict(list)
        for row in conn.execute(
            select(signals).join(opened, opened.c.case_id == signals.c.case_id)
        ).mappings():
            by_case[row["case_id"]].append(_signal(row, core.cipher if with_client else None))
        pogingen: dict[str, list[ExportPoging]] = defaultdict(list)
        for p in conn.execute(
            select(contactpogingen).join(opened, opened.c.case_id == contactpogingen.c.case_id)
        ):
            pogingen[p.case_id].append(ExportPoging(p.datum, p.soort, p.dagdeel, p.bereikt))
    return [
        ExportCase(
            id=case_id,
            matchingsdatum=row.matchingsdatum,
            start=row.start,
            einde=row.einde,
            resultaat=row.resultaat,
            resultaat_datum=row.resultaat_datum,
            signals=tuple(by_case[case_id]),
            pogingen=tuple(pogingen[case_id]),
        )
        for case_id, row in found.items()
    ]


def _signal(row: Any, cipher: IdentityCipher | None) -> ExportSignal:
    return ExportSignal(
        signaalpartner=row["signaalpartner"],
        signaal_id=row["signaal_id"],
        signaaldatum=row["signaaldatum"],
        ontstaansdatum=row["ontstaansdatum"],
        bedrag=row["bedrag"],
        crisis=row["crisis"],
        warme_overdracht=row["warme_overdracht"],
        client=_client(cipher, row["identity"]) if cipher else {},
    )


def _client(cipher: IdentityCipher, token: bytes) -> dict[str, str]:
    identity = cipher.decrypt(token)
    found = {}
    for ours, theirs in CLIENT_FIELDS.items():
        value = getattr(identity, ours)
        if value is not None:
            found[theirs] = value.isoformat() if isinstance(value, date) else str(value)
    return found
