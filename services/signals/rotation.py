"""``python -m services.signals.rotation``: re-pseudonymise the vault under the current key.

After ``WIJKPULS_PSEUDONYM_KEY`` / ``_KEY_VERSION`` move to a new version, every pseudonym
in the vault (household, person, signal) is recomputed from the identity the vault keeps
encrypted; the old key is not needed, and nothing leaves the process. One transaction: the
vault is either wholly on the old version or wholly on the new one, so grouping (a new
signal finds its household's open zaak), inzage by BSN and retention keep working.

Returned per household: old -> new pseudonym, the mapping the KPI side needs to carry open
households' figures over (docs/operations.md, Key rotation: that part is designed, not built).
The vroegsignaalzaak ids stay as they are: they are opaque and already in published events.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sqlalchemy import select, update

from services.signals.core import SignalsCore, build_core
from services.signals.validation import Identity
from services.signals.vault_schema import cases, signals
from shared.pseudonym import Pseudonymiser
from shared.settings import get_settings


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
        prog="python -m services.signals.rotation",
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
