"""The alert clock of each partition and the zaken waiting for a date on it.

Pure bookkeeping, no faust: the worker owns one ``AlertSchedule``. A partition's clock is a
date that only moves forward. While the worker replays a backlog it follows the Kafka
timestamps of the records (the days the intake accepted them), so alerts come out as they
would have live; once the partition is caught up, the timer moves it to today. A zaak waits
in its partition's heap until the clock reaches its ``next_check``; the heap is rebuilt from
the zaken table after every rebalance (``build``), and stale entries are skipped lazily.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Iterable
from datetime import date

TICK_RESEND_S = 30.0


class AlertSchedule:
    def __init__(self) -> None:
        self._clocks: dict[int, date] = {}
        self._heaps: dict[int, list[tuple[date, str]]] = {}
        self._next: dict[int, dict[str, date]] = {}
        self._tick_sent: dict[int, float] = {}
        self._invalidated = False

    def invalidate(self) -> None:
        """A rebalance happened; the next ``take_invalidated`` (under the worker's lock) says so."""
        self._invalidated = True

    def take_invalidated(self) -> bool:
        invalidated, self._invalidated = self._invalidated, False
        return invalidated

    def reset(self) -> None:
        """After a rebalance: partitions may have moved, so every heap is rebuilt."""
        self._clocks.clear()
        self._heaps.clear()
        self._next.clear()
        self._tick_sent.clear()

    def built(self, partition: int) -> bool:
        return partition in self._heaps

    def build(self, partition: int, waiting: Iterable[tuple[str, date]]) -> None:
        nexts = dict(waiting)
        self._next[partition] = nexts
        heap = [(day, zaak) for zaak, day in nexts.items()]
        heapq.heapify(heap)
        self._heaps[partition] = heap

    def clock(self, partition: int) -> date | None:
        return self._clocks.get(partition)

    def advance(self, partition: int, day: date) -> date:
        """Move the partition's clock to ``day`` unless it is already later."""
        current = self._clocks.get(partition)
        if current is None or day > current:
            self._clocks[partition] = day
            return day
        return current

    def wait(self, partition: int, zaak_id: str, next_check: date | None) -> None:
        """The zaak's next date to look at; None: nothing to wait for."""
        nexts = self._next.setdefault(partition, {})
        if next_check is None:
            nexts.pop(zaak_id, None)
            return
        if nexts.get(zaak_id) != next_check:
            nexts[zaak_id] = next_check
            heapq.heappush(self._heaps.setdefault(partition, []), (next_check, zaak_id))

    def has_due(self, partition: int) -> bool:
        clock, heap = self._clocks.get(partition), self._heaps.get(partition)
        nexts = self._next.get(partition, {})
        while heap and nexts.get(heap[0][1]) != heap[0][0]:
            heapq.heappop(heap)  # superseded by a later wait()
        return heap is not None and bool(heap) and clock is not None and heap[0][0] <= clock

    def pop_next(self, partition: int) -> tuple[date, str] | None:
        """The zaak whose date came first, with that date; it is no longer waiting."""
        if not self.has_due(partition):
            return None
        day, zaak_id = heapq.heappop(self._heaps[partition])
        self._next[partition].pop(zaak_id, None)
        return day, zaak_id

    def waiting(self, partition: int) -> int:
        return len(self._next.get(partition, {}))

    def should_tick(self, partition: int) -> bool:
        """A tick is worth sending: the heap needs building or a zaak is due, none pending."""
        if self.built(partition) and not self.has_due(partition):
            return False
        sent = self._tick_sent.get(partition)
        return sent is None or time.monotonic() - sent > TICK_RESEND_S

    def tick_sent(self, partition: int) -> None:
        self._tick_sent[partition] = time.monotonic()

    def tick_done(self, partition: int) -> None:
        self._tick_sent.pop(partition, None)
