"""A record the worker cannot use goes to the dead-letter topic as sent, with why and where.

The one place both agents (zaken, vroegsignalen) dead-letter: the original key, value and
headers plus the reason headers of shared/contract/dead_letter.py, and a log line without the
record's content (it may hold what a sender should not have sent).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import faust

from services.kpi.stream.metrics import dead_lettered
from shared.contract.dead_letter import dead_letter_headers

log = logging.getLogger("wijkpuls.kpi.dlq")


class DeadLetters:
    """The worker's dead-letter topic; ``consumer`` (the app id) is named in each record."""

    def __init__(self, topic: faust.TopicT, consumer: str) -> None:
        self._topic = topic
        self._consumer = consumer

    async def send(
        self,
        *,
        key: bytes | None,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes]],
        reason: str,
        topic: str,
        partition: int,
        offset: int,
    ) -> None:
        with_reason = dead_letter_headers(
            headers,
            reason,
            topic=topic,
            partition=partition,
            offset=offset,
            consumer=self._consumer,
        )
        await self._topic.send(key=key, value=value, headers=with_reason)
        dead_lettered(topic, reason)
        log.warning(
            "dead-lettered",
            extra={"reason": reason, "offset": offset, "partition": partition, "topic": topic},
        )
