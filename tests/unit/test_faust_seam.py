"""The private faust APIs the KPI worker leans on are still there, in the pinned version.

An upgrade of faust-streaming that moves one of them fails here, in one place, instead of
somewhere in a worker run (services/kpi/stream/faust_seam.py).
"""

from __future__ import annotations

import inspect
from contextvars import ContextVar
from importlib.metadata import version
from types import SimpleNamespace
from typing import Any, cast

import faust
import faust.streams
from faust.transport.consumer import Consumer

from services.kpi.stream.faust_seam import (
    FAUST_VERSION,
    current_event_restored,
    make_current,
    record_headers,
)


def test_the_installed_faust_is_the_version_the_seam_was_written_for() -> None:
    assert version("faust-streaming") == FAUST_VERSION


def test_the_private_apis_exist_with_the_shapes_the_worker_calls() -> None:
    assert callable(faust.Stream.noack)
    parameters = list(inspect.signature(Consumer._add_gap).parameters)
    assert parameters == ["self", "tp", "offset_from", "offset_to"]
    assert isinstance(faust.streams._current_event, ContextVar)
    # committed_offsets: set in __init__, read at assignment, moved at each commit.
    assert "self._committed_offset = " in inspect.getsource(Consumer.__init__)
    assert "self._committed_offset.update(" in inspect.getsource(Consumer._commit_offsets)
    assert "self._committed_offset.update(" in inspect.getsource(Consumer.perform_seek)


def test_headers_come_as_pairs_from_either_shape() -> None:
    as_list = cast(Any, SimpleNamespace(headers=[("a", b"1")]))
    as_map = cast(Any, SimpleNamespace(headers={"a": b"1"}))
    none = cast(Any, SimpleNamespace(headers=None))
    assert record_headers(as_list) == record_headers(as_map) == [("a", b"1")]
    assert record_headers(none) == []


def test_an_event_made_current_is_faust_s_current_event_until_restored() -> None:
    class Event:  # weak-referenceable, as faust's events are
        pass

    event = cast(Any, Event())
    before = faust.streams.current_event()
    with current_event_restored():
        make_current(event)
        assert faust.streams.current_event() is event
    assert faust.streams.current_event() is before


def test_the_consumer_state_read_for_a_stuck_partition_is_where_the_seam_reads_it() -> None:
    init = inspect.getsource(Consumer.__init__)
    for attribute in ("_acked", "_gap", "_read_offset"):
        assert f"self.{attribute} = " in init, attribute
    assert "self._paused_partitions = set()" in inspect.getsource(Consumer._reset_state)
    assert list(inspect.signature(Consumer.seek).parameters) == ["self", "partition", "offset"]
    assert inspect.iscoroutinefunction(Consumer.seek)
