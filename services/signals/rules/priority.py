"""The werklijst order: which household to approach first (docs/domain.md#vroegsignalering). Pure.

Crisis first (a crisis has a 3-werkdagen term in the Wgs), then meervoudig (more creditors,
more risk), then the larger total arrears, then the older case (it has waited longest); the
case id breaks the last tie so the order is the same on every call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from services.signals.rules.cases import CaseSummary


@dataclass(frozen=True)
class Ranked:
    case_id: str
    wijk: str
    summary: CaseSummary


R = TypeVar("R", bound=Ranked)


def priority_key(item: Ranked) -> tuple[bool, bool, float, object, str]:
    s = item.summary
    return (not s.crisis, not s.meervoudig, -s.bedrag, s.eerste_signaal, item.case_id)


def werklijst_order(items: Iterable[R]) -> list[R]:
    return sorted(items, key=priority_key)


def per_wijk(items: Iterable[R]) -> dict[str, list[R]]:
    """Each wijk's own werklijst, in priority order; wijken in name order."""
    grouped: dict[str, list[R]] = {}
    for item in werklijst_order(items):
        grouped.setdefault(item.wijk, []).append(item)
    return dict(sorted(grouped.items()))
