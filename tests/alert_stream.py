"""A seeded stream of zaak events as the intake would have accepted them, day by day, for the
alert tests: records with the day they arrived (their Kafka timestamp), in arrival order.

Besides zaken reported as they happen, some facts are reported late (an opschorting or a
besluit logged days after its date) and a fifth of the zaken arrive in one historical load
on ``LOAD_DAY``, with meldingen from months before: their passed terms give historisch alerts.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from services.kpi.processor import ZaakProcessor
from services.kpi.schedule import AlertSchedule
from shared.contract.events import new_event, to_structured_record
from shared.core.alerts import DueAlert
from shared.core.domain import AtwCalendar
from shared.core.domain_config import load_domain_config
from shared.platform.settings import DEFAULT_DOMAIN_CONFIG

SOURCE = "urn:nld:oin:00000001002220647000:systeem:test"
START = date(2026, 1, 5)
LOAD_DAY = date(2026, 3, 2)
END = date(2026, 6, 30)
WETTEN = ("wmo", "jeugdwet", "participatiewet", "wgs", "sth")
DOMAIN = load_domain_config(DEFAULT_DOMAIN_CONFIG)
CAL = AtwCalendar(DOMAIN.gelijkgestelde_dagen)


@dataclass(frozen=True)
class Record:
    partition: int
    day: date  # the day the intake accepted it (Kafka timestamp)
    key: bytes
    value: bytes
    headers: tuple[tuple[str, bytes], ...]

    @property
    def timestamp_ms(self) -> int:
        return int(datetime.combine(self.day, time(10), UTC).timestamp() * 1000)


def record(partition: int, day: date, kind: str, zaak: str, datum: date, **data: Any) -> Record:
    event = new_event(
        kind,
        {"zaak_id": zaak, "datum": datum.isoformat(), **data},
        source=SOURCE,
        time=datetime.combine(day, time(9), UTC),
    )
    r = to_structured_record(event)
    return Record(partition, day, r.key, r.value, r.headers)


def stream(seed: int, zaken: int = 60, end: date = END) -> list[Record]:
    rng = random.Random(seed)
    records: list[Record] = []
    for n in range(zaken):
        zaak, partition = f"Z-{seed}-{n}", n % 3
        wet = rng.choice(WETTEN)
        historical = rng.random() < 0.2
        melding = (
            LOAD_DAY - timedelta(days=rng.randint(30, 200))
            if historical
            else START + timedelta(days=rng.randint(0, 120))
        )

        def logged(datum: date, late: int = 0, historical: bool = historical) -> date:
            return max(datum, LOAD_DAY) if historical else datum + timedelta(days=late)

        soort = "melding" if wet == "wmo" else "aanvraag"
        records.append(
            record(partition, logged(melding), "zaak.aangemeld", zaak, melding,
                   wet=wet, soort=soort, wijk="Stiphout", crisis=rng.random() < 0.1)
        )  # fmt: skip
        if wet in ("wgs", "sth") and rng.random() < 0.7:
            d = melding + timedelta(days=rng.randint(1, 40))
            records.append(record(partition, logged(d), "zaak.eerste-contact", zaak, d))
        if rng.random() < 0.3:
            d = melding + timedelta(days=rng.randint(5, 50))
            late = rng.randint(0, 9)
            records.append(record(partition, logged(d, late), "zaak.opgeschort", zaak, d))
            if rng.random() < 0.7:
                h = d + timedelta(days=rng.randint(1, 30))
                records.append(record(partition, logged(h), "zaak.hervat", zaak, h))
        if rng.random() < 0.15:
            d = melding + timedelta(days=rng.randint(20, 60))
            late = rng.randint(0, 12)
            records.append(record(partition, logged(d, late), "zaak.verdaagd", zaak, d, dagen=28))
        if rng.random() < 0.75:
            d = melding + timedelta(days=rng.randint(10, 90))
            uitkomst = rng.choice(["toegekend", "afgewezen", "ingetrokken"])
            records.append(
                record(partition, logged(d, rng.randint(0, 5)), "zaak.besloten", zaak, d,
                       uitkomst=uitkomst)
            )  # fmt: skip
    records = [r for r in records if r.day <= end]
    records.sort(key=lambda r: r.day)  # the order the intake accepted them
    return records


# --- the worker's alert flow in-process: the expected alerts of a stream --------------


@dataclass
class Published:
    alerts: list[DueAlert] = field(default_factory=list)

    async def publish(self, alerts: Sequence[DueAlert], today: date) -> None:
        self.alerts.extend(alerts)


class NoSink:
    async def replace(self, zaak_id: str, _: object) -> bool:
        return True


def processor(table: dict[str, Any], published: Published) -> ZaakProcessor:
    return ZaakProcessor(
        table=table,
        domain=DOMAIN,
        calendar=CAL,
        schedule=AlertSchedule(),
        publisher=published,
        figures=NoSink(),
        termijnen=NoSink(),
        wachtend=NoSink(),
    )


async def feed(p: ZaakProcessor, r: Record, today: date) -> None:
    p.ensure_built([0, 1, 2])
    day = await p.catch_up(r.partition, r.day, today)
    await p.apply(r.partition, day, r.key, r.value, r.headers)


async def tick(p: ZaakProcessor, today: date) -> None:
    p.ensure_built([0, 1, 2])
    for partition in (0, 1, 2):
        p.schedule.advance(partition, today)
        await p.on_tick(partition)


async def replay(
    records: list[Record], restart_at: int | None = None, end: date = END
) -> list[DueAlert]:
    published = Published()
    table: dict[str, Any] = {}
    p = processor(table, published)
    for n, r in enumerate(records):
        if n == restart_at:
            # A new process: the table survives (changelog), the schedule is rebuilt, and
            # the last records since the committed offset come again (at least once).
            p = processor(table, published)
            for again in records[max(0, n - 7) : n]:
                await feed(p, again, end)
        await feed(p, r, end)
    await tick(p, end)
    return published.alerts
