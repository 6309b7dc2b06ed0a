"""Opschorting and verlenging: the changes of a zaak that its current state does not date.

A zaak says whether it is opgeschort now, not since when. Two ways to date the change:
its audit trail (every change with the moment it was made; also catches an opschorting and
hervatting that both happened between two looks), or the adapter's own last view (the change
is dated when the adapter noticed it). Pure: the caller fetches, this decides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from services.intake.zgw.models import AuditEntry, Verlenging, Zaak, ZaakState
from shared.core.local_time import AMSTERDAM

TZ = AMSTERDAM
# ISO 8601 durations in whole days; years and months have no fixed number of days.
_DURATION = re.compile(r"^P(?=\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


@dataclass(frozen=True)
class Fact:
    """A catalog fact before it is an event: its id is a uuid5 of ``key``."""

    type_name: str
    data: dict[str, Any]
    key: tuple[str, ...]
    time: datetime


def local_date(moment: datetime) -> date:
    return moment.astimezone(TZ).date()


def duration_days(duur: str | None) -> int | None:
    """``P14D`` -> 14, ``P2W`` -> 14, ``P0D`` -> 0; None for months, years, times or garbage."""
    match = _DURATION.match(duur or "")
    if match is None:
        return None
    years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
    return None if years or months else weeks * 7 + days


def extension_days(verlenging: Verlenging | None) -> int | None:
    return 0 if verlenging is None or verlenging.duur is None else duration_days(verlenging.duur)


def state_moves(
    zaak: Zaak, before: ZaakState, observed_at: datetime
) -> tuple[list[Fact], ZaakState]:
    """Changes since the adapter's last view, dated when noticed; and the new view."""
    facts, count, datum = [], before.opschortingen, local_date(observed_at)
    if zaak.opgeschort != before.opgeschort:
        count += 1
        kind = "zaak.opgeschort" if zaak.opgeschort else "zaak.hervat"
        key = ("state", zaak.url, "opschorting", str(count))
        facts.append(Fact(kind, {"datum": datum}, key, observed_at))
    days, total = extension_days(zaak.verlenging), before.verlenging_dagen
    if days is not None and days > total:
        key = ("state", zaak.url, "verlenging", str(days))
        facts.append(
            Fact("zaak.verdaagd", {"datum": datum, "dagen": days - total}, key, observed_at)
        )
        total = days
    update = {"opgeschort": zaak.opgeschort, "opschortingen": count, "verlenging_dagen": total}
    return facts, before.model_copy(update=update)


def audit_moves(zaak_url: str, audit: Sequence[AuditEntry]) -> tuple[list[Fact], bool]:
    """Changes from the audit trail, dated when made; and whether a duur was not in days."""
    facts, unmappable = [], False
    for line in sorted(audit, key=lambda a: a.aanmaakdatum):
        old, new = line.wijzigingen.oud, line.wijzigingen.nieuw
        if line.resource != "zaak" or line.resource_url != zaak_url or new is None:
            continue
        ident = line.uuid or f"{line.resource_url}@{line.aanmaakdatum.isoformat()}"
        datum, time = local_date(line.aanmaakdatum), line.aanmaakdatum
        if new.opgeschort != (old is not None and old.opgeschort):
            kind = "zaak.opgeschort" if new.opgeschort else "zaak.hervat"
            facts.append(Fact(kind, {"datum": datum}, ("audit", ident, kind), time))
        before = extension_days(old.verlenging) if old else 0
        after = extension_days(new.verlenging)
        unmappable |= after is None
        if before is not None and after is not None and after > before:
            data = {"datum": datum, "dagen": after - before}
            facts.append(Fact("zaak.verdaagd", data, ("audit", ident, "zaak.verdaagd"), time))
    return facts, unmappable
