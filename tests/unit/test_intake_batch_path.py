"""The batch path's shortcuts give what the per-event path gave (docs/performance.md, "Intake").

The edge validates each event once, the publisher hands whole batches to the producer and
the dedup store answers a batch in one script call; here each against what it replaced.
The Lua scripts themselves run against Redis in tests/e2e/test_intake.py.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from aiokafka.errors import KafkaTimeoutError
from aiokafka.partitioner import DefaultPartitioner
from pydantic import SecretStr

from demo import DemoOptions, DemoStream
from demo.population import client_block
from services.intake.dedup import SEEN_TTL_S, DedupStore, Seen, fingerprint
from shared.contract.events import (
    CATALOG,
    CloudEvent,
    KafkaRecord,
    accept_at_edge,
    full_type,
    to_structured_record,
)
from shared.contract.events.accepted import ACCEPTED_HEADER, accepted_ms
from shared.contract.events.edge import _stored_data
from shared.contract.events.examples import example_event
from shared.contract.events.models import (
    EVENT_CLASSES,
    INTAKE_EVENT_CLASSES,
    INTAKE_EVENTS,
    STORED_EVENTS,
)
from shared.core.domain_config import DomainConfig, load_domain_config
from shared.core.pseudonym import Pseudonymiser
from shared.platform.publisher import Publisher
from shared.platform.settings import DEFAULT_DOMAIN_CONFIG

AANGEMELD = full_type("zaak.aangemeld")
ALL_TYPES = frozenset(spec.type for spec in CATALOG)


@pytest.fixture(scope="module")
def domain() -> DomainConfig:
    return load_domain_config(DEFAULT_DOMAIN_CONFIG)


@pytest.fixture(scope="module")
def pseudonymiser() -> Pseudonymiser:
    return Pseudonymiser(SecretStr("unit-test-key"), "v1")


def sent_events(domain: DomainConfig) -> list[dict[str, Any]]:
    """Two demo months (half the aangemeld events with a client block) and every example."""
    options = DemoOptions(date(2025, 11, 1), 2, 3, date(2026, 1, 31), 1.0)
    events = list(itertools.islice(DemoStream(options, domain), 3000))
    for n, event in enumerate(events):
        if event["type"] == AANGEMELD and n % 2 and "client" not in event["data"]:
            postcode = event["data"].pop("postcode", None) or "5701AB"
            event["data"]["client"] = client_block(random.Random(n), postcode)
    for spec in CATALOG:
        events.append(example_event(spec.type))
        if spec.type == AANGEMELD:
            events.append(example_event(spec.type, form="intake"))
    return events


def validated_twice(raw: object, domain: DomainConfig, pseudonymiser: Pseudonymiser) -> CloudEvent:
    """What the edge did before: validate as sent, dump, then validate the whole as stored."""
    event = INTAKE_EVENTS.validate_python(raw)
    stored = event.to_dict()
    stored["data"] = _stored_data(event, domain, pseudonymiser)
    return STORED_EVENTS.validate_python(stored)


def test_the_edge_gives_what_validating_the_stored_event_again_gave(
    domain: DomainConfig, pseudonymiser: Pseudonymiser
) -> None:
    events = sent_events(domain)
    assert sum("client" in e.get("data", {}) for e in events) > 100
    for raw in events:
        new = accept_at_edge(raw, domain, pseudonymiser, accepted_types=ALL_TYPES)
        old = validated_twice(raw, domain, pseudonymiser)
        assert type(new) is type(old) is EVENT_CLASSES[old.type]
        assert type(new.data) is type(old.data)
        assert new == old
        assert new.to_json() == old.to_json()


def test_the_intake_union_makes_the_stored_class_wherever_the_edge_changes_nothing() -> None:
    for spec in CATALOG:
        same = INTAKE_EVENT_CLASSES[spec.type] is EVENT_CLASSES[spec.type]
        assert same is (spec.type != AANGEMELD), spec.type


# ---------------------------------------------------------------------------- publisher


class FakeBatch:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.records: list[tuple[bytes, bytes, list[tuple[str, bytes]]]] = []
        self.closed = False

    def append(
        self, *, timestamp: None, key: bytes, value: bytes, headers: list[tuple[str, bytes]]
    ) -> object | None:
        assert not self.closed and timestamp is None
        if self.records and len(self.records) >= self.capacity:
            return None
        self.records.append((key, value, headers))
        return object()

    def close(self) -> None:
        self.closed = True


class FakeProducer:
    def __init__(self, partitions: int = 6, capacity: int = 3, fail: bool = False) -> None:
        self.partitions = set(range(partitions))
        self.capacity = capacity
        self.fail = fail
        self.sent: list[tuple[int, FakeBatch]] = []

    async def partitions_for(self, topic: str) -> set[int]:
        return self.partitions

    def create_batch(self) -> FakeBatch:
        return FakeBatch(self.capacity)

    async def send_batch(self, batch: FakeBatch, topic: str, *, partition: int) -> Any:
        assert batch.closed and topic == "events"
        self.sent.append((partition, batch))
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self.fail:
            future.set_exception(KafkaTimeoutError())
        else:
            future.set_result(None)
        return future


def records(count: int) -> list[KafkaRecord]:
    return [
        KafkaRecord(f"Z-{n % 17}".encode(), f"event {n}".encode(), (("content-type", b"x"),))
        for n in range(count)
    ]


async def test_the_publisher_batches_per_partition_in_order_on_sends_partition() -> None:
    producer = FakeProducer()
    publisher = Publisher(producer, "events", 5)
    sent = records(100)
    before = int(time.time() * 1000)
    await publisher.publish_records(sent)
    after = int(time.time() * 1000)
    partitioner = DefaultPartitioner()
    every = sorted(producer.partitions)
    by_partition: dict[int, list[bytes]] = {}
    stamps = set()
    for partition, batch in producer.sent:
        assert 1 <= len(batch.records) <= producer.capacity
        for key, value, headers in batch.records:
            assert partitioner(key, every, every) == partition  # what send() would choose
            # the record's own headers, then the acceptance time (docs/kpis.md#gewijzigd)
            assert headers[0] == ("content-type", b"x") and headers[1][0] == ACCEPTED_HEADER
            assert len(headers) == 2
            stamps.add(accepted_ms(headers, None))
            by_partition.setdefault(partition, []).append(value)
    (stamp,) = stamps  # one moment for the call
    assert stamp is not None and before - 1 <= stamp <= after
    expected: dict[int, list[bytes]] = {}
    for record in sent:
        expected.setdefault(partitioner(record.key, every, every), []).append(record.value)
    assert by_partition == expected  # each partition's records in the order given
    assert sum(len(batch.records) for _, batch in producer.sent) == len(sent)


async def test_the_publisher_fails_when_the_broker_does_not_acknowledge() -> None:
    publisher = Publisher(FakeProducer(fail=True), "events", 5)
    with pytest.raises(KafkaTimeoutError):
        await publisher.publish_records(records(10))
    nothing = FakeProducer()
    await Publisher(nothing, "events", 5).publish_records([])
    assert nothing.sent == []


# ---------------------------------------------------------------------------- dedup


class FakeRedis:
    """The two scripts of DedupStore, in Python, over a dict."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.calls = 0

    def register_script(self, script: str) -> Any:
        look_up = "GET" in script

        async def run(keys: Sequence[str], args: Sequence[object]) -> bytes | int:
            self.calls += 1
            prints = str(args[0] if look_up else args[1])
            given = [prints[64 * i : 64 * i + 64] for i in range(len(keys))]
            if not look_up:
                assert args[0] == SEEN_TTL_S
                self.values.update(zip(keys, given, strict=True))
                return len(keys)
            codes = (
                "n" if key not in self.values else "d" if self.values[key] == fp else "c"
                for key, fp in zip(keys, given, strict=True)
            )
            return "".join(codes).encode()

        return run


def event(n: int, datum: str = "2026-03-02") -> CloudEvent:
    raw = example_event("zaak.besloten", id=f"6f1c1f5e-2f0b-4a53-9d0e-2a4f0c8b9e{n:02d}")
    raw["data"]["datum"] = datum
    return INTAKE_EVENTS.validate_python(raw)


async def test_the_dedup_store_answers_a_batch_as_the_per_event_rules_say() -> None:
    redis = FakeRedis()
    store = DedupStore(redis, "ns")  # type: ignore[arg-type]
    first = [event(1), event(2), event(1), event(3), event(3, "2026-03-03"), event(3)]
    ids = store.identities(first)
    assert ids[0] == store.identities([event(1)], [event(1).to_json()])[0]
    assert ids[0].fingerprint == fingerprint(event(1).to_json())
    assert await store.classify(ids) == [
        Seen.NEW,
        Seen.NEW,
        Seen.DUPLICATE,  # a repeat with the same content
        Seen.NEW,
        Seen.CONFLICT,  # the same id, other content
        Seen.DUPLICATE,
    ]
    await store.mark([ids[0], ids[1], ids[3]])
    again = store.identities([event(1), event(2, "2026-03-09"), event(4), event(2, "2026-03-09")])
    assert await store.classify(again) == [Seen.DUPLICATE, Seen.CONFLICT, Seen.NEW, Seen.CONFLICT]
    assert redis.calls == 3  # one command per look-up and per mark, whatever the size
    assert await store.classify([]) == [] and redis.calls == 3
    await store.mark([])
    assert redis.calls == 3


def test_a_record_value_is_the_events_canonical_json(
    domain: DomainConfig, pseudonymiser: Pseudonymiser
) -> None:
    # the route fingerprints record.value: it must stay what mark() stored before
    for raw in sent_events(domain)[:200]:
        stored = accept_at_edge(raw, domain, pseudonymiser, accepted_types=ALL_TYPES)
        assert to_structured_record(stored).value == stored.to_json()
