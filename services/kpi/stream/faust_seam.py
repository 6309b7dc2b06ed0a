"""Every use of faust-streaming's private or untyped surface, in one small module.

The worker needs five things faust does not offer publicly: a stream whose records are acked
by the worker itself (``noack``), telling the consumer about offsets it will never see so its
commit moves on (``Consumer._add_gap``), making an event the current one of a task so
table writes go to that event's partition (``faust.streams._current_event``), the
group's committed offset of each partition the worker holds (``Consumer._committed_offset``,
for its lag: services/kpi/stream/offsets.py), and, for the log line of a stuck partition,
what the consumer holds about it (``consumer_state``). They are
pinned to the faust-streaming version in uv.lock; tests/unit/test_faust_seam.py fails loudly
in this one place when an upgrade changes them.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import faust
from faust.streams import _current_event
from faust.types import TP, EventT

FAUST_VERSION = "0.15.3"
"""The version whose private APIs this module was written against (uv.lock)."""


def manual_ack(stream: faust.StreamT[Any]) -> faust.StreamT[Any]:
    """The stream without faust's ack-on-next: the agent acks each record when it is done."""
    records: faust.StreamT[Any] = stream.noack()  # type: ignore[attr-defined]
    return records


async def add_gap(app: faust.App, topic: str, partition: int, first: int, last: int) -> None:
    """Offsets ``first..last`` of the partition were applied outside the stream: without
    this, faust would hold the partition's commit back forever (a "head gap")."""
    await app.consumer._add_gap(TP(topic, partition), first, last)  # type: ignore[attr-defined]


def committed_offsets(app: faust.App) -> Mapping[TP, int | None]:
    """The group's committed offset per partition, as faust keeps it: read when the partition
    was assigned, moved at each commit (None: nothing committed yet, or 0)."""
    committed: Mapping[TP, int | None] = app.consumer._committed_offset  # type: ignore[attr-defined]
    return committed


async def seek(app: faust.App, topic: str, partition: int, offset: int) -> None:
    """Fetch the partition again from ``offset`` (faust's own read offset moves with it)."""
    await app.consumer.seek(TP(topic, partition), offset)


def consumer_state(app: faust.App, topic: str, partition: int) -> dict[str, Any]:
    """What faust's consumer holds about one partition, for a log line when it is stuck: the
    last offset it read, whether it is paused, its acked offsets not yet committed and the
    offsets it was told it will never see (the gaps)."""
    consumer = app.consumer
    tp = TP(topic, partition)
    acked = sorted(consumer._acked.get(tp, ()))  # type: ignore[attr-defined]
    gaps = consumer._gap.get(tp)  # type: ignore[attr-defined]
    return {
        "read_offset": consumer._read_offset.get(tp),  # type: ignore[attr-defined]
        "paused": tp in consumer._paused_partitions,  # type: ignore[attr-defined]
        "acked": len(acked),
        "acked_first": acked[0] if acked else None,
        "acked_last": acked[-1] if acked else None,
        "gaps": sorted((i.begin, i.end) for i in gaps)[:5] if gaps else [],
    }


def record_headers(message: faust.types.Message) -> list[tuple[str, bytes]]:
    """A record's headers as (key, value) pairs, whichever shape faust hands them in."""
    headers = message.headers or []
    if isinstance(headers, Mapping):
        return list(headers.items())
    return list(headers)


def make_current(event: EventT[Any] | None) -> None:
    """Make ``event`` faust's current event in this task: table reads and writes use its
    partition. Only the context variable: the stream's own attribute belongs to its reader."""
    _current_event.set(None if event is None else weakref.ref(event))


@contextmanager
def current_event_restored() -> Iterator[None]:
    """Whatever ``make_current`` does inside, the task's current event is as before after."""
    token = _current_event.set(None)
    try:
        yield
    finally:
        _current_event.reset(token)
