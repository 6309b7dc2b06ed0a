"""A worker seeks a partition whose commit is stuck back to its committed offset
(services/kpi/stream/offsets.py ``WorkerOffsets.unstick``), and only such a partition.

faust's app and consumer are stand-ins here (the seam's private reads are pinned in
test_faust_seam.py); the broker's answers come from a stand-in of ``BrokerOffsets``.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from types import SimpleNamespace
from typing import Any

from faust.types import TP

from services.kpi.stream.offsets import WorkerOffsets
from shared.platform.settings import KafkaSettings

EVENTS = "wijkpuls.events"


class Broker:
    def __init__(self, ends: dict[tuple[str, int], int]) -> None:
        self.ends = ends

    async def ask(self, question: str, partitions: Any) -> dict[tuple[str, int], int]:
        if question == "end_offsets":
            return {p: self.ends[p] for p in partitions}
        return {p: 0 for p in partitions}


class Consumer:
    def __init__(self, committed: dict[TP, int | None]) -> None:
        self._committed_offset = committed
        self._acked: dict[TP, list[int]] = defaultdict(list)
        self._gap: dict[TP, Any] = {}
        self._read_offset: dict[TP, int | None] = {}
        self._paused_partitions: set[TP] = set()
        self.sought: list[tuple[TP, int]] = []

    async def seek(self, partition: TP, offset: int) -> None:
        self.sought.append((partition, offset))


def _offsets(committed: dict[int, int | None], ends: dict[int, int]) -> tuple[WorkerOffsets, Any]:
    tps = {TP(EVENTS, p) for p in ends}
    app: Any = SimpleNamespace(
        rebalancing=False,
        assignor=SimpleNamespace(assigned_actives=lambda: tps),
        consumer=Consumer({TP(EVENTS, p): c for p, c in committed.items()}),
    )
    offsets = WorkerOffsets(app, KafkaSettings(), stall_after_s=60, sources=[EVENTS])
    offsets.broker = Broker({(EVENTS, p): e for p, e in ends.items()})  # type: ignore[assignment]
    return offsets, app


def _unstick_at(offsets: WorkerOffsets, now: float, monkeypatch: Any) -> list[tuple[str, int]]:
    monkeypatch.setattr("services.kpi.stream.offsets.time.monotonic", lambda: now)
    return asyncio.run(offsets.unstick())


def test_only_the_partition_standing_still_behind_its_end_is_sought_back(monkeypatch: Any) -> None:
    offsets, app = _offsets(committed={0: 234, 1: 500, 2: None}, ends={0: 1698, 1: 500, 2: 40})
    assert _unstick_at(offsets, 0, monkeypatch) == []
    offsets.positions.acknowledged((EVENTS, 1), 499)  # caught up, nothing to do
    assert _unstick_at(offsets, 59, monkeypatch) == []
    assert _unstick_at(offsets, 61, monkeypatch) == [(EVENTS, 0), (EVENTS, 2)]
    # to the committed offset; the log start where nothing was committed
    assert app.consumer.sought == [(TP(EVENTS, 0), 234), (TP(EVENTS, 2), 0)]


def test_a_partition_still_moving_is_left_alone(monkeypatch: Any) -> None:
    offsets, app = _offsets(committed={0: 234}, ends={0: 1698})
    _unstick_at(offsets, 0, monkeypatch)
    offsets.positions.acknowledged((EVENTS, 0), 300)  # faust delivers, the agent acks
    assert _unstick_at(offsets, 61, monkeypatch) == []
    app.consumer._committed_offset[TP(EVENTS, 0)] = 301  # and commits
    assert _unstick_at(offsets, 121, monkeypatch) == []
    assert app.consumer.sought == []


def test_nothing_is_sought_during_a_rebalance(monkeypatch: Any) -> None:
    offsets, app = _offsets(committed={0: 234}, ends={0: 1698})
    _unstick_at(offsets, 0, monkeypatch)
    app.rebalancing = True
    assert _unstick_at(offsets, 61, monkeypatch) == []
    app.rebalancing = False  # the new assignment starts the watch again
    assert _unstick_at(offsets, 62, monkeypatch) == []
    assert _unstick_at(offsets, 123, monkeypatch) == [(EVENTS, 0)]
