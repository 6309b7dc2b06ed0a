"""``python -m services.signals.cli.export --maand 2026-03``: the month's DDAS delivery to CBS.

Built from the vault (the service's own records), cut to a peildatum (default today), and
validated against the public DDAS v0.9 schema before it is written: an export that breaks
the schema is never handed out. The CLI writes the document to --out (default stdout) and
its counts to stderr; the HTTP route (routes_export.py) returns the same document.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from services.signals.rules.ddas_export import cases_of_month, delivery_counts, uitwisselmodel
from services.signals.rules.ddas_schema import check_delivery
from services.signals.rules.export_settings import DdasExportSettings
from services.signals.settings import get_settings
from services.signals.vault.ddas_records import month_cases
from services.signals.vault.vault_context import SignalsCore, build_core

# Years 1900-2099: a month the vault can hold. A wider pattern let "0000-01" reach date()
# (year 0) and answer 500 instead of a 422 naming the parameter.
MAAND = re.compile(r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$")


def build_export(
    core: SignalsCore,
    maand: str,
    peildatum: date,
    *,
    with_client: bool = True,
    settings: DdasExportSettings | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The validated delivery document; raises InvalidDelivery when it breaks the schema."""
    if not MAAND.fullmatch(maand):
        raise ValueError("maand must be written as YYYY-MM")
    header = (settings or DdasExportSettings()).header(core.domain)
    records = month_cases(core, maand, peildatum, with_client=with_client)
    found = cases_of_month(records, maand, peildatum)
    document = uitwisselmodel(
        found, maand, header, (now or datetime.now(UTC)).replace(microsecond=0)
    )
    check_delivery(document)
    return document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.signals.cli.export",
        description="Write the DDAS v0.9 monthly delivery (Uitwisselmodel) of one month from "
        "the identity vault, validated against the public schema. It holds the Client "
        "identity the signaalpartners delivered unless --zonder-client (docs/privacy.md).",
    )
    parser.add_argument("--maand", required=True, help="the month, e.g. 2026-03")
    parser.add_argument("--peildatum", type=date.fromisoformat, help="default: today")
    parser.add_argument("--out", type=Path, help="write here (default: stdout)")
    parser.add_argument(
        "--zonder-client", action="store_true", help="empty Client blocks (no identity)"
    )
    args = parser.parse_args(argv)
    core = build_core(get_settings())
    peildatum = args.peildatum or datetime.now(UTC).date()
    document = build_export(core, args.maand, peildatum, with_client=not args.zonder_client)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    print(json.dumps({"maand": args.maand, **delivery_counts(document)}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
