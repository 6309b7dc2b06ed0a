"""The batched events agent's parts without a broker: batches, staged tables, combined scripts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from services.kpi.stream.batching import ready_batches
from services.kpi.stream.staging import StagedTable
from services.kpi.zaken.views import combined_source


class FakeStream:
    def __init__(self, items: list[int], pause_after: int | None = None) -> None:
        self._items = items
        self._pause_after = pause_after

    async def events(self) -> AsyncIterator[int]:
        for n, item in enumerate(self._items):
            if n == self._pause_after:
                await asyncio.sleep(0.05)  # longer than the linger: a new batch starts
            yield item


async def _collect(stream: Any, max_size: int, linger: float) -> list[list[int]]:
    return [batch async for batch in ready_batches(stream, max_size, linger)]


def test_batches_keep_every_event_in_order_and_respect_the_maximum() -> None:
    batches = asyncio.run(_collect(FakeStream(list(range(23))), max_size=5, linger=0.01))
    assert [e for b in batches for e in b] == list(range(23))
    assert all(1 <= len(b) <= 5 for b in batches)


def test_a_pause_longer_than_the_linger_ends_the_batch() -> None:
    batches = asyncio.run(_collect(FakeStream([1, 2, 3, 4], pause_after=2), 100, 0.01))
    assert batches == [[1, 2], [3, 4]]


def test_an_error_of_the_stream_reaches_the_agent() -> None:
    class Failing:
        async def events(self) -> AsyncIterator[int]:
            yield 1
            raise RuntimeError("broken")

    with pytest.raises(RuntimeError, match="broken"):
        asyncio.run(_collect(Failing(), 10, 0.01))


def test_staged_table_reads_its_own_writes_and_hands_them_over_only_when_taken() -> None:
    table: dict[str, Any] = {"a": 1, "b": 2}
    staged = StagedTable(table)
    staged["b"] = 20
    staged["c"] = 30
    assert staged.get("b") == 20 and staged["c"] == 30 and staged.get("x") is None
    assert dict(staged.items()) == {"a": 1, "b": 20, "c": 30}
    assert table == {"a": 1, "b": 2}  # nothing written yet
    assert staged.take() == [(table, "b", 20, None), (table, "c", 30, None)]
    assert staged.staged() == 0 and staged.take() == []


def test_a_discarded_stage_never_reaches_the_table() -> None:
    table: dict[str, Any] = {"a": 1}
    staged = StagedTable(table)
    staged["a"] = 2
    staged.discard()
    assert staged.take() == [] and staged.get("a") == 1


def test_the_combined_script_runs_each_view_script_as_it_is() -> None:
    first = "local old = redis.call('GET', KEYS[1])\nreturn 1"
    second = "redis.call('SET', KEYS[1], ARGV[1])\nreturn 1"
    source = combined_source([first, second])
    assert f"local function view1(KEYS, ARGV)\n{first}\nend" in source
    assert f"local function view2(KEYS, ARGV)\n{second}\nend" in source
    assert "local views = {view1, view2}" in source
