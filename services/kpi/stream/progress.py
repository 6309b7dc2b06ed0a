"""How far the worker is on each partition it holds, and whether a partition has stalled.

A partition's position is the offset after the last record the worker acknowledged (faust
tells a sensor, services/kpi/stream/offsets.py), or the group's committed offset when that
is further (records applied outside the stream, gaps.py, are only committed); ``None`` when
it has neither yet, and the worker then starts at the log start. Lag is the end offset minus
the position. A partition is stalled when it has had records to process for
``stall_after_s`` with its position standing still; it is judged each time the standings
are asked for (every Prometheus scrape), so a stall shows within one scrape interval more.

``StuckCommits`` judges the other half: a partition whose committed offset is behind its end
while neither that offset nor the position has moved for ``stall_after_s``. faust then
either delivers nothing more of it or cannot commit past offsets it will never ack again;
the worker seeks the partition back to its committed offset (offsets.py), which only sends
records round again (at-least-once: applied ones are passed over).

Pure: no faust, no clock of its own (``now`` comes in), so tests drive it directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.kpi.stream.metrics import Standing

Partition = tuple[str, int]
"""(topic, partition)"""


class Positions:
    """The offset after the last record acknowledged, per partition, since the last rebalance."""

    def __init__(self) -> None:
        self._done: dict[Partition, int] = {}

    def acknowledged(self, partition: Partition, offset: int) -> None:
        if offset >= self._done.get(partition, 0):
            self._done[partition] = offset + 1

    def forget(self) -> None:
        """At a rebalance: another worker may have processed (and committed) past it since."""
        self._done.clear()

    def position(self, partition: Partition, committed: int | None) -> int | None:
        known = [o for o in (self._done.get(partition), committed) if o is not None]
        return max(known) if known else None


@dataclass
class _Watch:
    position: int
    behind_since: float | None = None


class StallWatch:
    """Per partition: since when it has had records to process without its position moving."""

    def __init__(self, stall_after_s: float) -> None:
        self._stall_after_s = stall_after_s
        self._watches: dict[Partition, _Watch] = {}

    def standing(self, partition: Partition, end: int, position: int, now: float) -> Standing:
        watch = self._watches.get(partition)
        if watch is None or watch.position != position:
            watch = self._watches[partition] = _Watch(position)
        if end <= position:
            watch.behind_since = None
        elif watch.behind_since is None:
            watch.behind_since = now
        stalled = watch.behind_since is not None and now - watch.behind_since >= self._stall_after_s
        return Standing(partition[0], partition[1], end, position, stalled)

    def keep(self, held: Iterable[Partition]) -> None:
        """Forget the partitions no longer held (a rebalance moved them)."""
        wanted = set(held)
        for partition in [p for p in self._watches if p not in wanted]:
            del self._watches[partition]


@dataclass
class _Standstill:
    committed: int | None
    position: int | None
    since: float


class StuckCommits:
    """Per partition: since when its committed offset and position have both stood still
    while the committed offset is behind the end."""

    def __init__(self, stuck_after_s: float) -> None:
        self._stuck_after_s = stuck_after_s
        self._seen: dict[Partition, _Standstill] = {}

    def stuck(
        self,
        partition: Partition,
        end: int,
        committed: int | None,
        position: int | None,
        now: float,
    ) -> bool:
        """True once per ``stuck_after_s`` of standstill: the caller acts, and the partition
        gets as long again to move before it counts as stuck once more."""
        seen = self._seen.get(partition)
        if (committed or 0) >= end:
            self._seen.pop(partition, None)
            return False
        if seen is None or (seen.committed, seen.position) != (committed, position):
            self._seen[partition] = _Standstill(committed, position, now)
            return False
        if now - seen.since < self._stuck_after_s:
            return False
        seen.since = now
        return True

    def keep(self, held: Iterable[Partition]) -> None:
        """Forget the partitions no longer held, and all after a rebalance (``keep([])``)."""
        wanted = set(held)
        for partition in [p for p in self._seen if p not in wanted]:
            del self._seen[partition]
