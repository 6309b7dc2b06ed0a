"""The besluit part of a zaak: opschorting, verdaging and a besluit around the legal term.

The planner works out the due date the way the clocks do (term from configuration, then the
opschorting and verdaging that start before it, then the Atw shift) and puts the besluit on or
before it for ~80% of zaken and after it for the rest, so the demo's tijdig share lands where
Helmond's policy says it is today. The unit tests check that with ``shared.core.domain``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from demo import profile
from demo.timing import Timing
from shared.core.domain_config import Wet

Planned = tuple[str, date, dict[str, Any]]
"""(short type, business date, data fields besides zaak_id and datum)"""

_REDENEN = ("aanvulling-gevraagd", "aanvulling-gevraagd", "advies-gevraagd", "medisch-advies")
_UITKOMSTEN = ("toegekend", "afgewezen", "ingetrokken")
_DAYS = timedelta(days=1)


@dataclass
class BesluitPlan:
    besluit: date
    uitkomst: str
    steps: list[Planned] = field(default_factory=list)
    opgeschort: date | None = None


def plan_besluit(
    rng: random.Random, timing: Timing, wet: Wet, start: date, earliest: date
) -> BesluitPlan:
    """A besluit for a clock that started on ``start``, not before ``earliest``."""
    clock = timing.clock(wet, "zaak.besloten")
    due = timing.term_end(start, clock.term)
    uitkomst = rng.choices(_UITKOMSTEN, weights=profile.UITKOMST[wet])[0]
    plan = BesluitPlan(start, uitkomst)
    if rng.random() < profile.OPSCHORTING[wet]:
        opgeschort = timing.on_or_after(start + rng.randint(5, 30) * _DAYS)
        plan.opgeschort = opgeschort
        plan.steps.append(("zaak.opgeschort", opgeschort, {"reden": rng.choice(_REDENEN)}))
        if rng.random() < profile.OPEN_OPSCHORTING:
            # Never supplemented: the period given lapses and the aanvraag is not handled.
            plan.besluit = timing.on_or_after(opgeschort + rng.randint(15, 42) * _DAYS)
            plan.uitkomst = "buiten-behandeling"
            return plan
        hervat = timing.on_or_after(opgeschort + rng.randint(7, 35) * _DAYS)
        plan.steps.append(("zaak.hervat", hervat, {}))
        due += hervat - opgeschort
        earliest = max(earliest, hervat + _DAYS)
    if rng.random() < profile.VERDAGING[wet]:
        verdaagd = timing.on_or_before(due - rng.randint(3, 14) * _DAYS)
        dagen = rng.choice((14, 28, 42))
        plan.steps.append(("zaak.verdaagd", max(verdaagd, start + _DAYS), {"dagen": dagen}))
        due += dagen * _DAYS
        earliest = max(earliest, verdaagd + _DAYS)
    due = timing.on_or_after(due)
    if rng.random() < profile.ON_TIME and earliest <= due:
        # Lead times lean towards the term: residents "usually hear within 8 weeks".
        span = (due - earliest).days
        besluit = timing.on_or_before(earliest + round(span * rng.triangular(0, 1, 0.8)) * _DAYS)
        plan.besluit = max(besluit, timing.on_or_after(earliest))
    else:
        late = 1 + min(int(rng.expovariate(1 / 12)), 120)
        plan.besluit = timing.on_or_after(max(due, earliest) + late * _DAYS)
    return plan
