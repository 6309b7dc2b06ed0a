"""Inzage and erasure by BSN (AVG art. 15 and 17) for the privacy officer: the vault side.

A person is found by the keyed pseudonym of the BSN (the ``persoon`` column), so no row is
decrypted to search. Only signals that carried this BSN are the person's: housing, energy
and water companies usually send none, and a signal without BSN is matched to a person only
by name and address, which an inzage by BSN cannot claim.

Erasure deletes the person's signals; a zaak left without signals has nothing it may still
stand on, so it goes with its contactpogingen (the household state this person alone
supported). A zaak that other signals of the household still carry stays, its identity of
others untouched. Pseudonyms of every key version in use are tried (key rotation).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, func, select

from services.signals.vault.schema import cases, contactpogingen, signals
from services.signals.vault.vault_context import SignalsCore
from shared.core.pseudonym import Pseudonymiser


def person_keys(core: SignalsCore, bsn: str, older: Iterable[Pseudonymiser] = ()) -> list[str]:
    return [p.person_from_bsn(bsn) for p in (core.pseudonymiser, *older)]


def inzage(core: SignalsCore, keys: list[str]) -> dict[str, Any]:
    """Everything the vault holds of the person, decrypted, and what left it in which form."""
    with core.engine.connect() as conn:
        rows = list(conn.execute(select(signals).where(signals.c.persoon.in_(keys))).mappings())
        case_ids = sorted({r["case_id"] for r in rows})
        zaken = conn.execute(select(cases).where(cases.c.id.in_(case_ids))).mappings()
        pogingen = list(
            conn.execute(
                select(contactpogingen).where(contactpogingen.c.case_id.in_(case_ids))
            ).mappings()
        )
        zaken_out = [_zaak(z, [p for p in pogingen if p["case_id"] == z["id"]]) for z in zaken]
    return {
        "signalen": [_signal(core, r) for r in rows],
        "vroegsignaalzaken": zaken_out,
        "verstrekt": {
            "kafka": "pseudonymised events (household pseudonym, wijk, dates, amounts) of "
            "these vroegsignaalzaken on the vroegsignalen topic",
            "cbs": "the DDAS monthly delivery of the month each zaak opened, with the Client "
            "as delivered (docs/privacy.md)",
        },
    }


def erase(core: SignalsCore, keys: list[str]) -> dict[str, int]:
    with core.engine.begin() as conn:
        case_ids = sorted(
            {
                row.case_id
                for row in conn.execute(
                    select(signals.c.case_id).where(signals.c.persoon.in_(keys))
                )
            }
        )
        erased = conn.execute(delete(signals).where(signals.c.persoon.in_(keys))).rowcount
        empty = _without_signals(conn, case_ids)
        conn.execute(delete(contactpogingen).where(contactpogingen.c.case_id.in_(empty)))
        conn.execute(delete(cases).where(cases.c.id.in_(empty)))
    return {
        "signalen": erased,
        "vroegsignaalzaken": len(empty),
        "zaken_behouden": len(case_ids) - len(empty),
    }


def _without_signals(conn: Connection, case_ids: list[str]) -> list[str]:
    counted = conn.execute(
        select(signals.c.case_id, func.count())
        .where(signals.c.case_id.in_(case_ids))
        .group_by(signals.c.case_id)
    )
    still = {row[0] for row in counted}
    return [c for c in case_ids if c not in still]


def _signal(core: SignalsCore, row: Any) -> dict[str, Any]:
    identity = {k: _plain(v) for k, v in asdict(core.cipher.decrypt(row["identity"])).items()}
    keep = ("signaalpartner", "signaal_id", "signaaldatum", "ontstaansdatum", "bedrag",
            "crisis", "warme_overdracht", "case_id", "received_at")  # fmt: skip
    found = {k: _plain(row[k]) for k in keep}
    found["client"] = {k: v for k, v in identity.items() if v is not None}
    return found


def _zaak(zaak: Any, pogingen: list[Any]) -> dict[str, Any]:
    keep = ("id", "wijk", "start", "einde", "matchingsdatum", "datum_opgepakt", "resultaat",
            "resultaat_datum")  # fmt: skip
    found = {k: _plain(zaak[k]) for k in keep}
    found["contactpogingen"] = [
        {k: _plain(p[k]) for k in ("datum", "soort", "dagdeel", "bereikt", "recorded_by")}
        for p in pogingen
    ]
    return found


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
