"""``python -m services.kpi.operations.dead_letters``: what is on the dead-letter topic, and
sending records back after a fix.

Every consumer that cannot use a record (the KPI worker on the events and vroegsignalen
topics, the webhook dispatcher on the alerts topic) writes it to the one dead-letter topic with
why, where from and which consumer (shared/contract/dead_letter.py), and goes on. This tool:

- ``counts``: records per origin topic, consumer and reason;
- ``show``: the records (offset, time, origin, consumer, reason, CloudEvent type and id when
  the headers or body say, size), never the payload, which may hold a pseudonym;
- ``resend``: the selected records back to their origin topic, as they were sent (the
  dead-letter headers taken off), after the consumer or the producer was fixed. Consumers
  are idempotent per event id, so a resend of a record that went through after all does no
  harm. ``--dry-run`` says what would go.

Selection: ``--origin-topic``, ``--consumer``, ``--reason`` (a substring) and ``--offsets``
(``3,7-9``), all optional and combined. Settings from the WIJKPULS_* environment.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError

from shared.contract.dead_letter import CONSUMER, ORIGIN, REASON
from shared.contract.topics import Topic, topic_name
from shared.platform.kafka_security import kafka_python_security
from shared.platform.settings import KafkaSettings

DLQ_HEADERS = {REASON, ORIGIN, CONSUMER, "wijkpuls-dlq-webhook"}


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]

    def header(self, name: str) -> str:
        for key, value in self.headers:
            if key == name:
                return value.decode("utf-8", "replace")
        return ""

    @property
    def origin_topic(self) -> str:
        return self.header(ORIGIN).rsplit("/", 2)[0]

    @property
    def original_headers(self) -> list[tuple[str, bytes]]:
        return [(k, v) for k, v in self.headers if k not in DLQ_HEADERS]

    def event(self) -> tuple[str, str]:
        """The CloudEvent's type and id: from the binary-mode headers, else from a JSON body."""
        kind, ident = self.header("ce_type"), self.header("ce_id")
        if not kind and self.value:
            try:
                body = json.loads(self.value)
            except (ValueError, RecursionError):
                body = None
            if isinstance(body, dict):
                kind, ident = str(body.get("type", "")), str(body.get("id", ""))
        return kind, ident

    def describe(self) -> dict[str, Any]:
        kind, ident = self.event()
        when = datetime.fromtimestamp(self.timestamp_ms / 1000, UTC).isoformat()
        return {
            "partition": self.partition, "offset": self.offset, "time": when,
            "origin": self.header(ORIGIN), "consumer": self.header(CONSUMER),
            "reason": self.header(REASON), "type": kind, "id": ident,
            "bytes": len(self.value or b""),
        }  # fmt: skip


@dataclass(frozen=True)
class Selection:
    origin_topic: str | None = None
    consumer: str | None = None
    reason: str | None = None
    offsets: frozenset[int] | None = None

    def __call__(self, record: DeadLetter) -> bool:
        return (
            (self.origin_topic is None or record.origin_topic == self.origin_topic)
            and (self.consumer is None or record.header(CONSUMER) == self.consumer)
            and (self.reason is None or self.reason in record.header(REASON))
            and (self.offsets is None or record.offset in self.offsets)
        )


def parse_offsets(text: str) -> frozenset[int]:
    """``3,7-9`` -> {3, 7, 8, 9}."""
    found: set[int] = set()
    for part in text.split(","):
        low, _, high = part.strip().partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise argparse.ArgumentTypeError(f"not an offset or range: {part!r}")
        found.update(range(int(low), int(high or low) + 1))
    return frozenset(found)


def counts(records: Sequence[DeadLetter]) -> list[dict[str, Any]]:
    per = Counter((r.origin_topic, r.header(CONSUMER), r.header(REASON)) for r in records)
    return [
        {"origin_topic": topic, "consumer": consumer, "reason": reason, "records": n}
        for (topic, consumer, reason), n in sorted(per.items(), key=lambda kv: -kv[1])
    ]


def read_all(kafka: KafkaSettings, timeout_s: float = 10.0) -> Iterator[DeadLetter]:
    """Every record on the dead-letter topic now, in partition and offset order; no group."""
    topic = topic_name(Topic.DLQ, kafka)
    consumer = KafkaConsumer(
        bootstrap_servers=kafka.bootstrap_servers, enable_auto_commit=False,
        request_timeout_ms=kafka.request_timeout_ms, **kafka_python_security(kafka),
    )  # fmt: skip
    try:
        partitions = sorted(consumer.partitions_for_topic(topic) or ())
        tps = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        ends = consumer.end_offsets(tps)
        for tp in tps:
            while consumer.position(tp) < ends[tp]:
                batch = consumer.poll(timeout_ms=int(timeout_s * 1000)).get(tp, [])
                if not batch:
                    raise TimeoutError(f"no records from {tp.topic}/{tp.partition}")
                for r in batch:
                    if r.offset < ends[tp]:
                        yield DeadLetter(r.partition, r.offset, r.timestamp, r.key, r.value,
                                         [(k, v) for k, v in r.headers])  # fmt: skip
            consumer.pause(tp)
    finally:
        consumer.close()


def resend(kafka: KafkaSettings, records: Sequence[DeadLetter]) -> int:
    """Each record to its origin topic with its original key, value and headers; acks=all."""
    producer = KafkaProducer(
        bootstrap_servers=kafka.bootstrap_servers, acks="all",
        request_timeout_ms=kafka.request_timeout_ms, **kafka_python_security(kafka),
    )  # fmt: skip
    try:
        futures = [
            producer.send(r.origin_topic, key=r.key, value=r.value, headers=r.original_headers)
            for r in records
        ]
        producer.flush()
        for future in futures:
            future.get(timeout=kafka.request_timeout_ms / 1000)
    finally:
        producer.close()
    return len(records)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.kpi.operations.dead_letters",
        description="Count, show and resend the records on the dead-letter topic. Settings "
        "from the WIJKPULS_* environment (docs/settings.md); see docs/operations.md.",
    )
    parser.add_argument("command", choices=["counts", "show", "resend"])
    parser.add_argument("--origin-topic", help="only records from this topic")
    parser.add_argument("--consumer", help="only records this consumer group refused")
    parser.add_argument("--reason", help="only records whose reason contains this text")
    parser.add_argument("--offsets", type=parse_offsets, help="only these DLQ offsets: 3,7-9")
    parser.add_argument("--dry-run", action="store_true", help="resend: only say what would go")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    kafka = KafkaSettings()
    chosen = Selection(args.origin_topic, args.consumer, args.reason, args.offsets)
    try:
        records = [r for r in read_all(kafka) if chosen(r)]
        if args.command == "counts":
            rows = counts(records)
        elif args.command == "show" or args.dry_run:
            rows = [r.describe() for r in records]
        else:
            rows = [{"resent": resend(kafka, records)}]
    except (KafkaError, TimeoutError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            print("  ".join(f"{k}={v}" for k, v in row.items()))
        if not rows:
            print("no dead letters match", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
