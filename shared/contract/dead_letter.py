"""The dead-letter record: the original bytes as sent plus why and where they were refused.

A consumer that cannot use a record never stops on it: it writes this record to the DLQ topic
and goes on. The reason comes from our validators, which never echo a personal value; the
original bytes may hold one, so the DLQ topic is short-lived and access-restricted
(docs/domain.md#event-contract).
"""

from __future__ import annotations

from collections.abc import Sequence

REASON = "wijkpuls-dlq-reason"
ORIGIN = "wijkpuls-dlq-origin"  # topic/partition/offset
CONSUMER = "wijkpuls-dlq-consumer"


def dead_letter_headers(
    original: Sequence[tuple[str, bytes]],
    reason: str,
    *,
    topic: str,
    partition: int,
    offset: int,
    consumer: str,
) -> list[tuple[str, bytes]]:
    return [
        *original,
        (REASON, reason.encode("utf-8")),
        (ORIGIN, f"{topic}/{partition}/{offset}".encode()),
        (CONSUMER, consumer.encode("utf-8")),
    ]
