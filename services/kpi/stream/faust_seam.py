"""Every use of faust-streaming's private or untyped surface, in one small module.

The worker needs four things faust does not offer publicly: a stream whose records are acked
by the worker itself (``noack``), telling the consumer about offsets it will never see so its
commit moves on (``Consumer._add_gap``), making an event the current one of a task so
table writes go to that event's partition (``faust.streams._current_event``), and the
group's committed offset of each partition the worker holds (``Consumer._committed_offset``,
for its lag: services/kpi/stream/offsets.py). They are
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
