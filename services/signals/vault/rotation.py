"""``python -m services.signals.vault.rotation``: re-pseudonymise the vault under the current key.

After ``WIJKPULS_PSEUDONYM_KEY`` / ``_KEY_VERSION`` move to a new version, every pseudonym
in the vault (household, person, signal) is recomputed from the identity the vault keeps
encrypted; the old key is not needed, and nothing leaves the process. One transaction: the
vault is either wholly on the old version or wholly on the new one, so grouping (a new
signal finds its household's open zaak), inzage by BSN and retention keep working.

The zaken's events keep the household pseudonym they were published under (written to
``event_households`` here, services/signals/vault/event_households.py): a new signal or
contactpoging of an open zaak lands in the KPI worker's existing entry for the zaak and its
figures carry on, with no change on the KPI side. Only zaken opened after the rotation carry
the new pseudonym in their events. The vroegsignaalzaak ids stay as they are.
Returned per household: old -> new pseudonym (for the operator's records).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sqlalchemy import select, update

from services.signals.rules.validation import Identity
from services.signals.settings import get_settings
from services.signals.vault.event_households import keep_event_households
from services.signals.vault.schema import cases, signals
from services.signals.vault.vault_context import SignalsCore, build_core
from shared.core.pseudonym import Pseudonymiser


def rotate(core: SignalsCore) -> dict[str, str]:
    """Re-pseudonymises every row not yet on the current key; old -> new household."""
    new = core.pseudonymiser
    mapping: dict[str, str] = {}
    with core.engine.begin() as conn:
        rows = conn.execute(select(signals).where(signals.c.key_version != new.key_version))
        for row in list(rows.mappings()):
            who = core.cipher.decrypt(row["identity"])
            huishouden = new.huishouden(who.postcode, who.huisnummer, who.toevoeging)
            mapping[row["huishouden"]] = huishouden
            conn.execute(
                update(signals).where(signals.c.id == row["id"]).values(
                    huishouden=huishouden, persoon=_persoon(new, who),
                    signaal_pseudonym=new.signaal(row["signaalpartner"], row["signaal_id"]),
                    key_version=new.key_version,
                )
            )  # fmt: skip
        rotated = conn.execute(select(cases.c.id, cases.c.huishouden)).all()
        keep_event_households(conn, [r.id for r in rotated if r.huishouden in mapping])
        for old, fresh in mapping.items():
            conn.execute(
                update(cases)
                .where(cases.c.huishouden == old)
                .values(huishouden=fresh, key_version=new.key_version)
            )
    return mapping


def _persoon(p: Pseudonymiser, who: Identity) -> str | None:
    """As loading.py derives it: from the BSN, else from name, birth date and address."""
    if who.bsn is not None:
        return p.person_from_bsn(who.bsn)
    if who.achternaam is not None and who.geboortedatum is not None:
        return p.person_from_identity(
            who.achternaam, who.geboortedatum, who.postcode, who.huisnummer, who.toevoeging
        )
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.signals.vault.rotation",
        description="Re-pseudonymise the identity vault under WIJKPULS_PSEUDONYM_KEY_VERSION.",
    )
    parser.add_argument("--mapping", help="write old -> new household pseudonyms here (JSON)")
    args = parser.parse_args(argv)
    mapping = rotate(build_core(get_settings()))
    summary: dict[str, Any] = {"households": len(mapping)}
    if args.mapping:
        with open(args.mapping, "w", encoding="utf-8") as handle:
            json.dump(mapping, handle)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
