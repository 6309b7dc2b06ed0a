"""Whether the Kafka broker can take writes now, asked of the broker rather than of a cache.

aiokafka answers ``partitions_for`` from metadata it already holds, so a stopped broker still
looked ready and a POST waited the whole send timeout before its 503. The watch asks the
cluster for fresh metadata (bounded in time) and needs a leader for every partition of the
topic. After a failed send it holds the broker for down and says so at once to every caller,
re-asking at most once per ``recheck_s``, so clients get their 503 with ``Retry-After`` in
milliseconds and come back when a probe succeeds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from aiokafka.structs import TopicPartition

log = logging.getLogger(__name__)


class BrokerDown(KafkaError):  # type: ignore[misc]  # aiokafka's errors are untyped
    """The broker cannot take writes now; try again after ``retry_after_s``. A KafkaError, so
    every caller that handles a failed send handles this one too."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__("Broker unavailable")
        self.retry_after_s = retry_after_s


@dataclass
class BrokerWatch:
    producer: AIOKafkaProducer
    topic: str
    probe_timeout_s: float = 2.0
    recheck_s: float = 1.0
    retry_after_s: int = 5
    _down: bool = field(default=False, init=False)
    _checked_at: float = field(default=float("-inf"), init=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    async def writable(self) -> bool:
        """Ask the broker (at most once per ``recheck_s``; callers in between share the
        answer): fresh metadata within ``probe_timeout_s`` and a leader for every partition."""
        async with self._lock:
            if time.monotonic() - self._checked_at < self.recheck_s:
                return not self._down
            up = await self._probe()
            if up == self._down:
                log.warning("kafka broker %s", "writable again" if up else "not writable")
            self._down, self._checked_at = not up, time.monotonic()
            return up

    async def ensure_writable(self) -> None:
        """Raise BrokerDown at once while the broker is held for down and still is."""
        if self._down and not await self.writable():
            raise BrokerDown(self.retry_after_s)

    def mark_down(self) -> None:
        """A send failed: every caller hears so until a probe finds the broker back."""
        self._down, self._checked_at = True, time.monotonic()

    async def _probe(self) -> bool:
        try:
            cluster = await asyncio.wait_for(
                self.producer.client.fetch_all_metadata(), self.probe_timeout_s
            )
        except Exception:  # any failure to answer in time is "not writable"
            return False
        partitions = cluster.partitions_for_topic(self.topic)
        if not partitions:
            return False
        return all(
            cluster.leader_for_partition(TopicPartition(self.topic, p)) not in (None, -1)
            for p in partitions
        )
