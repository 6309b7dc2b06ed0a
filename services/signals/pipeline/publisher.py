"""Writes to the vroegsignalen topic in its record layout (shared/contract/vroegsignaal_records.py).

Events get their per-record key and the household's partition; the retention job adds the
frozen contributions and the tombstones. Every call returns only once the broker has
acknowledged all its records (the producer runs with acks=all).

Every record carries the ``wijkpuls_geaccepteerd`` header (shared/contract/events/accepted.py),
one moment per call: when the service handed the accepted delivery's signals, the recorded
contactpoging or resultaat (or the retention job's records) to Kafka. The KPI worker dates
the vroegsignalen cells' ``gewijzigd`` by it (docs/kpis.md#gewijzigd), as it does the case
events' by the intake's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer

from shared.contract.events import CloudEvent, to_structured_record
from shared.contract.events.accepted import accepted_header
from shared.contract.vroegsignaal_records import (
    FrozenContribution,
    frozen_key,
    frozen_value,
    household_partition,
    record_key,
)


@dataclass(frozen=True)
class RecordAddress:
    """Where one event record of a household sits: its partition comes from ``huishouden``."""

    huishouden: str
    key: str


def event_address(event: CloudEvent) -> RecordAddress:
    data = event.data.model_dump(mode="python")
    huishouden = str(data["huishouden"])
    return RecordAddress(
        huishouden, record_key(huishouden, str(data["vroegsignaalzaak_id"]), event.id)
    )


class VroegsignaalPublisher:
    def __init__(self, producer: AIOKafkaProducer, topic: str, timeout_s: float) -> None:
        self._producer = producer
        self._topic = topic
        self._timeout_s = timeout_s

    async def publish(self, events: Sequence[CloudEvent]) -> None:
        """Send in order (a household's records stay in order in its partition), await acks."""
        partitions = await self._partitions()
        stamp = accepted_header()
        pending = []
        for event in events:
            record, address = to_structured_record(event), event_address(event)
            pending.append(
                await self._send(
                    address.key, record.value, household_partition(address.huishouden, partitions),
                    [*record.headers, stamp],
                )
            )  # fmt: skip
        await self._acked(pending)

    async def freeze(self, frozen: Sequence[tuple[str, FrozenContribution]]) -> None:
        """Each (huishouden, frozen contribution): written to the household's partition."""
        partitions = await self._partitions()
        stamp = accepted_header()
        pending = [
            await self._send(
                frozen_key(f.vroegsignaalzaak_id), frozen_value(f),
                household_partition(huishouden, partitions), [stamp],
            )
            for huishouden, f in frozen
        ]  # fmt: skip
        await self._acked(pending)

    async def tombstone(self, addresses: Sequence[RecordAddress]) -> None:
        partitions = await self._partitions()
        stamp = accepted_header()
        pending = [
            await self._send(a.key, None, household_partition(a.huishouden, partitions), [stamp])
            for a in addresses
        ]
        await self._acked(pending)

    async def ready(self) -> bool:
        return bool(await self._producer.partitions_for(self._topic))

    async def _partitions(self) -> list[int]:
        found = await self._producer.partitions_for(self._topic)
        if not found:
            raise RuntimeError(f"topic {self._topic} has no partitions (does it exist?)")
        return sorted(found)

    async def _send(
        self, key: str, value: bytes | None, partition: int, headers: list[tuple[str, bytes]]
    ) -> asyncio.Future[object]:
        # aiokafka is untyped: send() returns the delivery future of the record
        sent: asyncio.Future[object] = await self._producer.send(
            self._topic, value=value, key=key.encode("utf-8"), partition=partition,
            headers=headers,
        )  # fmt: skip
        return sent

    async def _acked(self, pending: list[asyncio.Future[object]]) -> None:
        if pending:
            await asyncio.wait_for(asyncio.gather(*pending), self._timeout_s)
