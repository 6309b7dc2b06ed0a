"""The retention rule of vroegsignaalzaken (docs/domain.md#retention): 6 / 12 / 18 months, latest
applies."""

from __future__ import annotations

from datetime import date

from shared.core.domain_config import VroegsignaleringRetention
from shared.core.vroegsignaal_retention import (
    ZaakDates,
    delete_on,
    due_zaken,
    plus_months,
    retired_households,
)

RULES = VroegsignaleringRetention(
    never_picked_up_months=6, after_opgepakt_months=12, after_closed_months=18,
    matching_window_months=3,
)  # fmt: skip


def zaak(zid: str, hh: str, last: date, opgepakt: date | None = None,
         closed: date | None = None) -> ZaakDates:  # fmt: skip
    return ZaakDates(zid, hh, last, opgepakt, closed)


def test_each_stage_has_its_own_term() -> None:
    assert delete_on(zaak("a", "h", date(2026, 1, 31)), RULES) == date(2026, 7, 31)
    assert delete_on(zaak("b", "h", date(2026, 1, 5), date(2026, 1, 20)), RULES) == date(
        2027, 1, 20
    )
    closed = zaak("c", "h", date(2026, 1, 5), date(2026, 1, 20), date(2026, 3, 1))
    assert delete_on(closed, RULES) == date(2027, 9, 1)


def test_a_later_stage_never_shortens_the_term() -> None:
    # Closed quickly but a signal arrived after the closing: 6 months from that signal.
    short = VroegsignaleringRetention(
        never_picked_up_months=6, after_opgepakt_months=1, after_closed_months=1,
        matching_window_months=3,
    )  # fmt: skip
    late = zaak("d", "h", date(2026, 3, 1), date(2026, 1, 10), date(2026, 1, 15))
    assert delete_on(late, short) == date(2026, 9, 1)


def test_due_on_the_day_itself_and_households_retire_only_when_all_their_zaken_go() -> None:
    zaken = [
        zaak("z1", "h1", date(2026, 1, 10)),
        zaak("z2", "h1", date(2026, 6, 10)),
        zaak("z3", "h2", date(2026, 1, 10)),
    ]
    due = due_zaken(zaken, RULES, date(2026, 7, 10))
    assert [z.vroegsignaalzaak_id for z in due] == ["z1", "z3"]
    assert retired_households(zaken, due) == {"h2"}
    assert due_zaken(zaken, RULES, date(2026, 7, 9)) == []


def test_months_clamp_to_the_end_of_the_month() -> None:
    assert plus_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert plus_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
