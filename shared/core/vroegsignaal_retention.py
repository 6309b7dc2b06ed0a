"""How long a vroegsignaalzaak's data may be kept (docs/domain.md#retention): pure, dates in, dates
out.

Local practice, no statutory period: 6 months after the last signal when the zaak was never
picked up, 12 months after datum opgepakt, 18 months after the zaak was closed (its
resultaat). The months live in shared/config/domain.yaml (retention.vroegsignalering).

A zaak further along is never kept *shorter* than an earlier stage would keep it: the
deadline is the latest of the rules that apply (a zaak closed a week after a late signal
still waits 6 months from that signal, and 18 from its closing). A household is retired
when none of its zaken is kept any longer: only then may its household pseudonym go.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from shared.core.domain_config import VroegsignaleringRetention


@dataclass(frozen=True)
class ZaakDates:
    vroegsignaalzaak_id: str
    huishouden: str
    laatste_signaal: date
    datum_opgepakt: date | None
    afgesloten: date | None  # the resultaat's datum


def plus_months(day: date, months: int) -> date:
    """Calendar months, clamped to the month's last day (31 aug + 6 = 28/29 feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def delete_on(zaak: ZaakDates, rules: VroegsignaleringRetention) -> date:
    """The first day the zaak's data may no longer be kept."""
    deadlines = [plus_months(zaak.laatste_signaal, rules.never_picked_up_months)]
    if zaak.datum_opgepakt is not None:
        deadlines.append(plus_months(zaak.datum_opgepakt, rules.after_opgepakt_months))
    if zaak.afgesloten is not None:
        deadlines.append(plus_months(zaak.afgesloten, rules.after_closed_months))
    return max(deadlines)


def due_zaken(
    zaken: Iterable[ZaakDates], rules: VroegsignaleringRetention, today: date
) -> list[ZaakDates]:
    return sorted(
        (z for z in zaken if delete_on(z, rules) <= today), key=lambda z: z.vroegsignaalzaak_id
    )


def retired_households(zaken: Iterable[ZaakDates], due: Iterable[ZaakDates]) -> set[str]:
    """Households all of whose zaken are due: nothing of them may stay."""
    gone = {z.vroegsignaalzaak_id for z in due}
    remaining = {z.huishouden for z in zaken if z.vroegsignaalzaak_id not in gone}
    return {z.huishouden for z in due} - remaining
