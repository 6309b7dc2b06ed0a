"""How a zaak's facts reach Wijkpuls: CloudEvents, with the quirks real delivery has.

Each fact becomes an intake-form CloudEvent logged at office hours. Then, per event: a retry
that sends the identical event again (same id and content), a late delivery that arrives
after events logged later (out of order), and for single-valued facts a correction: the
first version carries a wrong datum, the right one follows days later with a new id and a
later ``time`` (docs/domain.md#corrections: the latest ``time`` counts).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from demo.besluit import Planned
from demo.timing import Timing
from shared.contract.events import TYPE_PREFIX
from shared.core.domain import SINGLE_VALUED

Delivery = tuple[int, int, str, dict[str, Any]]
"""(release timestamp, logged timestamp, kind, event); kind: event, duplicate, correction"""


@dataclass(frozen=True)
class Quirks:
    duplicate_rate: float
    out_of_order_rate: float
    correction_rate: float


def new_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def cloudevent(
    rng: random.Random, source: str, zaak_id: str, fact: Planned, logged: datetime
) -> dict[str, Any]:
    type_name, datum, fields = fact
    return {
        "specversion": "1.0",
        "id": new_id(rng),
        "source": source,
        "type": TYPE_PREFIX + type_name,
        "time": logged.isoformat(),
        "subject": zaak_id,
        "datacontenttype": "application/json",
        "data": {"zaak_id": zaak_id, "datum": datum.isoformat(), **fields},
    }


def deliveries(
    rng: random.Random,
    timing: Timing,
    logged: list[tuple[datetime, dict[str, Any]]],
    quirks: Quirks,
    end: date,
) -> Iterator[Delivery]:
    """The deliveries of one zaak's events; nothing logged after ``end`` is sent (yet).

    The random draws do not depend on ``end``, so a later ``end`` gives the same events plus
    the newer ones: rerun with a later --today and load, and only the new ones are accepted.
    """
    for when, event in logged:
        kind = "event"
        if event["type"].removeprefix(TYPE_PREFIX) in SINGLE_VALUED and (
            rng.random() < quirks.correction_rate
        ):
            wrong = _deliver(rng, when, _wrong_version(rng, event, when), quirks)
            if when.date() <= end:
                yield wrong
            when = timing.logged_at(rng, when.date(), lag=rng.randint(1, 10))
            event["time"] = when.isoformat()
            kind = "correction"
        delivery = _deliver(rng, when, event, quirks, kind)
        retry = None
        if rng.random() < quirks.duplicate_rate:
            retry = when + timedelta(minutes=rng.randint(1, 48 * 60))
        if when.date() > end:
            continue
        yield delivery
        if retry is not None:
            yield int(retry.timestamp()), int(when.timestamp()), "duplicate", _copy(event)


def _deliver(
    rng: random.Random, when: datetime, event: dict[str, Any], quirks: Quirks, kind: str = "event"
) -> Delivery:
    release = when
    if rng.random() < quirks.out_of_order_rate:
        # Mostly a retry queue (hours to days); one in five a backlog or a stuck adapter that
        # is replayed weeks later, so a besluit can arrive before its aanmelding.
        days = rng.expovariate(1 / 1.5) if rng.random() < 0.8 else rng.uniform(14, 70)
        release += timedelta(hours=1) + timedelta(days=days)
    return int(release.timestamp()), int(when.timestamp()), kind, event


def _wrong_version(rng: random.Random, event: dict[str, Any], when: datetime) -> dict[str, Any]:
    wrong: dict[str, Any] = _copy(event)
    wrong["id"] = new_id(rng)
    datum = date.fromisoformat(event["data"]["datum"]) - timedelta(days=rng.randint(1, 7))
    wrong["data"]["datum"] = min(datum, when.date()).isoformat()
    return wrong


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value
