"""The view markers' logic (services/kpi/view/healer.py, shared/contract/view_keys.py): which
partitions a worker rebuilds when the figures store lost them, and when it marks them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from services.kpi.view.healer import ViewHealer
from shared.contract.view_keys import EVENTS, VROEGSIGNALEN, ViewKeys, missing


class FakeMarks:
    """The Redis marks as marks.py keeps them, in a dict; ``flush`` loses them all."""

    def __init__(self) -> None:
        self.keys: dict[str, str] = {}

    async def present(self, kind: str, partitions: Iterable[int]) -> set[int]:
        return {p for p in partitions if f"{kind}:{p}" in self.keys}

    async def begin(self, kind: str, partitions: Iterable[int], rebuild_id: str) -> None:
        for p in partitions:
            self.keys[f"rebuilding:{kind}:{p}"] = rebuild_id

    async def finish(self, kind: str, partition: int, rebuild_id: str) -> bool:
        if self.keys.get(f"rebuilding:{kind}:{partition}") != rebuild_id:
            return False
        del self.keys[f"rebuilding:{kind}:{partition}"]
        self.keys[f"{kind}:{partition}"] = rebuild_id
        return True

    def flush(self) -> None:
        self.keys.clear()


class Worker:
    """A worker's assignment and rebuilds, recording what was rebuilt."""

    def __init__(self, events: set[int], vroegsignalen: set[int] | None = None) -> None:
        self.assigned = {EVENTS: events, VROEGSIGNALEN: vroegsignalen or set()}
        self.rebalancing = False
        self.rebuilt: list[tuple[str, set[int]]] = []
        self.during: list[object] = []  # run inside a rebuild (a flush, a rebalance)

    def rebuild(self, kind: str):  # type: ignore[no-untyped-def]
        async def run(partitions: set[int]) -> int | None:
            self.rebuilt.append((kind, set(partitions)))
            for action in self.during:
                action()  # type: ignore[operator]
            return None if self.rebalancing else len(partitions)

        return run

    def healer(self, marks: FakeMarks) -> ViewHealer:
        ids = iter(f"r{n}" for n in range(100))
        return ViewHealer(
            marks,
            lambda: self.assigned,
            lambda: self.rebalancing,
            {EVENTS: self.rebuild(EVENTS), VROEGSIGNALEN: self.rebuild(VROEGSIGNALEN)},
            new_id=lambda: next(ids),
        )


def test_a_new_store_is_written_once_then_left_alone() -> None:
    marks, worker = FakeMarks(), Worker({0, 1, 2}, {0})
    healer = worker.healer(marks)
    asyncio.run(healer.check())
    assert worker.rebuilt == [(EVENTS, {0, 1, 2}), (VROEGSIGNALEN, {0})]
    assert set(marks.keys) == {"events:0", "events:1", "events:2", "vroegsignalen:0"}
    asyncio.run(healer.check())
    assert len(worker.rebuilt) == 2, "a complete view was rebuilt again"


def test_a_flushed_store_is_rebuilt_and_marked_again() -> None:
    marks, worker = FakeMarks(), Worker({3, 4})
    healer = worker.healer(marks)
    asyncio.run(healer.check())
    marks.flush()
    done = asyncio.run(healer.check())
    assert worker.rebuilt[-1] == (EVENTS, {3, 4})
    assert [(d.kind, d.partitions, d.marked) for d in done] == [(EVENTS, {3, 4}, {3, 4})]
    assert set(marks.keys) == {"events:3", "events:4"}


def test_only_the_partitions_without_a_marker_are_rebuilt() -> None:
    marks, worker = FakeMarks(), Worker({0, 1, 2})
    asyncio.run(worker.healer(marks).check())
    del marks.keys["events:1"]
    asyncio.run(worker.healer(marks).check())
    assert worker.rebuilt[-1] == (EVENTS, {1})


def test_a_store_lost_again_during_the_rebuild_is_not_marked() -> None:
    marks, worker = FakeMarks(), Worker({0, 1})
    healer = worker.healer(marks)
    worker.during.append(marks.flush)  # the store goes while the rebuild writes
    done = asyncio.run(healer.check())
    assert done[0].marked == set() and "events:0" not in marks.keys
    worker.during.clear()
    asyncio.run(healer.check())
    assert set(marks.keys) == {"events:0", "events:1"}, "the next check did not start over"


def test_a_rebalance_during_the_rebuild_marks_nothing() -> None:
    marks, worker = FakeMarks(), Worker({0, 1})
    healer = worker.healer(marks)
    worker.during.append(lambda: setattr(worker, "rebalancing", True))
    done = asyncio.run(healer.check())
    assert done[0].entries is None and not any(k.startswith("events:") for k in marks.keys)


def test_a_partition_taken_over_during_the_rebuild_is_left_to_its_new_owner() -> None:
    marks, worker = FakeMarks(), Worker({0, 1})
    healer = worker.healer(marks)
    worker.during.append(lambda: worker.assigned[EVENTS].discard(1))
    done = asyncio.run(healer.check())
    assert done[0].marked == {0}
    assert "events:1" not in marks.keys


def test_nothing_is_checked_while_a_rebalance_runs() -> None:
    marks, worker = FakeMarks(), Worker({0})
    worker.rebalancing = True
    assert asyncio.run(worker.healer(marks).check()) == []
    assert worker.rebuilt == []


def test_two_workers_each_rebuild_their_own_partitions() -> None:
    marks = FakeMarks()
    one, two = Worker({0, 1, 2}), Worker({3, 4, 5})
    asyncio.run(one.healer(marks).check())
    asyncio.run(two.healer(marks).check())
    marks.flush()
    asyncio.run(one.healer(marks).check())
    assert one.rebuilt[-1] == (EVENTS, {0, 1, 2})
    assert {f"events:{p}" for p in range(6)} - set(marks.keys) == {f"events:{p}" for p in (3, 4, 5)}
    asyncio.run(two.healer(marks).check())
    assert {f"events:{p}" for p in range(6)} <= set(marks.keys)


def test_marker_keys_carry_the_prefix_and_name_kind_and_partition() -> None:
    keys = ViewKeys("t-")
    expected = keys.markers({EVENTS: 6, VROEGSIGNALEN: 2})
    assert len({key for _, _, key in expected}) == 8
    assert keys.marker(EVENTS, 5) == "t-wp:view:events:5"
    assert keys.rebuilding(VROEGSIGNALEN, 1) == "t-wp:view:rebuilding:vroegsignalen:1"
    assert all(key.startswith("t-wp:view:") for _, _, key in expected)
    present = [True] * 8
    present[6] = False
    assert missing(expected, present) == [(VROEGSIGNALEN, 0)]


class Offsets:
    """A worker's offsets per events partition: the topic's end and how far it has applied."""

    def __init__(self, ends: dict[int, int], at: dict[int, int]) -> None:
        self.end, self.at = ends, at

    async def ends(self, kind: str, partitions: set[int]) -> dict[int, int]:
        return {p: self.end[p] for p in partitions}

    async def reached(self, kind: str, targets: dict[int, int]) -> set[int]:
        return {p for p, target in targets.items() if self.at[p] >= target}


def caught_up_healer(worker: Worker, marks: FakeMarks, offsets: Offsets) -> ViewHealer:
    ids = iter(f"r{n}" for n in range(100))
    return ViewHealer(
        marks,
        lambda: worker.assigned,
        lambda: worker.rebalancing,
        {EVENTS: worker.rebuild(EVENTS)},
        new_id=lambda: next(ids),
        progress=offsets,
    )


def test_after_a_reset_the_view_is_marked_only_once_the_replay_has_caught_up() -> None:
    # The reset deleted the markers; the replayed tables hold only the start of the topic.
    marks, worker = FakeMarks(), Worker({0, 1})
    offsets = Offsets(ends={0: 500, 1: 0}, at={0: 20, 1: 0})
    healer = caught_up_healer(worker, marks, offsets)
    done = asyncio.run(healer.check())
    assert done[0].marked == {1}, "an empty partition has nothing to replay"
    assert "events:0" not in marks.keys
    offsets.end[0] = 900  # records published during the replay do not move its goal
    offsets.at[0] = 499
    asyncio.run(healer.check())
    assert "events:0" not in marks.keys
    assert asyncio.run(healer.incomplete()) == {EVENTS: [0]}
    offsets.at[0] = 500
    asyncio.run(healer.check())
    assert {"events:0", "events:1"} <= set(marks.keys)
    assert worker.rebuilt == [(EVENTS, {0, 1})], "a partition catching up was rebuilt again"
    assert asyncio.run(healer.incomplete()) == {}


def test_a_store_lost_while_a_partition_catches_up_is_rebuilt_again() -> None:
    marks, worker = FakeMarks(), Worker({0})
    offsets = Offsets(ends={0: 100}, at={0: 10})
    healer = caught_up_healer(worker, marks, offsets)
    asyncio.run(healer.check())
    marks.flush()  # the rebuilding key goes with the store
    offsets.at[0] = 100
    asyncio.run(healer.check())
    assert "events:0" not in marks.keys, "marked on a store the rebuild did not fill"
    asyncio.run(healer.check())
    assert worker.rebuilt == [(EVENTS, {0}), (EVENTS, {0})]
    assert "events:0" in marks.keys


def test_a_partition_that_moves_away_while_catching_up_is_left_to_its_new_owner() -> None:
    marks, worker = FakeMarks(), Worker({0, 1})
    offsets = Offsets(ends={0: 100, 1: 100}, at={0: 10, 1: 10})
    healer = caught_up_healer(worker, marks, offsets)
    asyncio.run(healer.check())
    worker.assigned[EVENTS] = {0}
    offsets.at = {0: 100, 1: 100}
    asyncio.run(healer.check())
    assert "events:0" in marks.keys and "events:1" not in marks.keys
