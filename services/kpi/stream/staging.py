"""A batch of records is applied in memory and made durable in one step, before any ack.

``StagedTable`` sits in front of a faust table: reads see the batch's own writes, writes are
kept (the last one per key) with the faust event they were made under, so the table's
changelog partition is the record's. ``WorkerBatch.commit`` then writes, in this order:

1. the zaken table (one RocksDB put per zaak, not per record, and one changelog batch per
   partition, on the broker before the next step: changelog.py),
2. the Redis views of every zaak the batch touched, in one pipeline (views.py),
3. the applied-offset marks (gaps.py: a mark never claims more than the state holds),

and only then may the agent ack the records. A batch that faust would no longer accept
(a rebalance began or a new generation started while it was applied) is dropped as a
whole: nothing of it is written or acked, so its records come again, to this worker or to
the one that took the partition over, and no stale state reaches a changelog.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from typing import Any

import faust
from faust.streams import current_event
from faust.types import EventT

from services.kpi.stream.changelog import ChangelogWriter, Entry
from services.kpi.stream.faust_seam import make_current
from services.kpi.stream.gaps import AppliedOffsets, EventsRecord
from services.kpi.zaken.schedule import AlertSchedule
from services.kpi.zaken.views import ViewBatch

_MISSING = object()


def use_event(event: EventT[Any]) -> None:
    """Make ``event`` faust's current event in this task: table reads and writes use its
    partition. Only the context variable: the stream's own attribute belongs to its reader."""
    make_current(event)


class StagedTable(MutableMapping[str, Any]):
    def __init__(self, table: MutableMapping[str, Any]) -> None:
        self._table = table
        self._staged: dict[str, tuple[Any, EventT[Any] | None]] = {}

    def __getitem__(self, key: str) -> Any:
        staged = self._staged.get(key)
        return self._table[key] if staged is None else staged[0]

    def get(self, key: str, default: Any = None) -> Any:
        staged = self._staged.get(key)
        if staged is None:
            return self._table.get(key, default)
        return staged[0]

    def __setitem__(self, key: str, value: Any) -> None:
        self._staged[key] = (value, current_event())

    def __delitem__(self, key: str) -> None:
        raise NotImplementedError("the worker never deletes table entries")

    def __iter__(self) -> Iterator[str]:
        for key in self._table:
            if key not in self._staged:
                yield key
        yield from self._staged

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def items(self) -> Any:
        """The table's entries, each as the batch left it (one pass over the table)."""
        return list(self._items())

    def _items(self) -> Iterable[tuple[str, Any]]:
        for key, value in self._table.items():
            if key not in self._staged:
                yield key, value
        for key, (value, _) in self._staged.items():
            yield key, value

    def staged(self) -> int:
        return len(self._staged)

    def discard(self) -> None:
        self._staged.clear()

    def take(self) -> list[Entry]:
        """The staged entries, each with the event it was made under, for the changelog
        writer; the stage is empty after."""
        entries = [(self._table, key, value, event) for key, (value, event) in self._staged.items()]
        self._staged.clear()
        return entries


class WorkerBatch:
    """What a batch changed, kept until ``commit`` makes it durable or ``discard`` drops it."""

    def __init__(
        self,
        app: faust.App,
        *,
        zaken: StagedTable,
        marks: StagedTable,
        views: ViewBatch,
        changelog: ChangelogWriter,
        applied: AppliedOffsets,
        schedule: AlertSchedule,
        processed: dict[int, int],
    ) -> None:
        self._app = app
        self.zaken = zaken
        self.marks = marks
        self.views = views
        self._changelog = changelog
        self._applied = applied
        self._schedule = schedule
        self._processed = processed
        self._done: dict[int, int] = {}
        self.last: dict[str, EventsRecord] = {}
        """Zaak -> its last record in this batch (dead-lettered if its Redis write fails)."""
        self.gaps: list[tuple[int, int, int]] = []
        """(partition, first, last) offsets applied from the broker in this batch, for faust."""

    def applied(self, zaak_id: str, record: EventsRecord) -> None:
        """The record changed the zaak (its last one in the batch so far)."""
        self.last[zaak_id] = record

    def applied_range(self, partition: int, first: int, last: int) -> None:
        """Offsets ``first..last`` were read and applied outside the stream (gaps.py)."""
        self.gaps.append((partition, first, last))

    def accepts(self, events: Iterable[EventT[Any]]) -> bool:
        """faust still takes these records from this worker: no rebalance since they came."""
        app = self._app
        if not app.flow_control.is_active():
            return False
        generation = app.consumer_generation_id
        return all(e.message.generation_id == generation for e in events)

    def processed(self, partition: int, next_offset: int) -> None:
        """A record of the partition was handled; the timer sees it once the batch is in."""
        self._done[partition] = next_offset

    async def commit(self, events: Sequence[EventT[Any]]) -> dict[str, Exception] | None:
        """Make the batch durable; None when it was dropped (nothing written).

        Returns the zaken whose Redis write failed (to be dead-lettered by the caller).
        """
        if not self.accepts(events):
            self.discard()
            return None
        # The stores are written before the writer's first await (once its producer runs):
        # no rebalance in between.
        await self._changelog.write(self.zaken.take())
        failed = await self.views.flush()
        if not self.accepts(events):
            # Table and views are in (idempotent); the marks are not: records are applied again.
            self.discard()
            return None
        await self._changelog.write(self.marks.take())
        self._processed.update(self._done)
        self._done.clear()
        return failed

    async def stop(self) -> None:
        """At shutdown: the changelog writer's producer."""
        await self._changelog.stop()

    def done(self) -> None:
        """The batch is handled (committed or dropped): its record bookkeeping is cleared."""
        self.last.clear()
        self.gaps.clear()

    def discard(self) -> None:
        self.done()
        self.zaken.discard()
        self.marks.discard()
        self.views.clear()
        self._done.clear()
        self._applied.forget()  # the in-memory marks counted records that were dropped
        self._schedule.invalidate()  # the heaps may hold waits of dropped states
