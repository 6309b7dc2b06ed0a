"""Notices a lost figures store and has the worker's partitions rebuilt: the marker logic.

Every check (``WIJKPULS_KPI_VIEW_CHECK_S``, and so also right after Redis answers again) asks
Redis for the markers of the partitions this worker holds. A missing marker means the store
lost that partition's view (a FLUSHALL, a restart without persistence, a new Redis, a reset
for a replay, or the first start of a worker that writes markers). The healer then notes the
partitions' end offsets, marks them ``rebuilding``, has them rebuilt from the changelog-backed
tables, and sets each marker again once the worker has applied every record up to the noted
end offset (at once after a store lost under a worker that keeps up; at the end of the replay
after a reset, whose tables start empty). A marker is set only for a partition still
assigned here and only if the store was not lost again meanwhile (marks.py). Nothing is
marked while a rebalance runs or after a rebuild that gave up (a rebalance began); the next
check tries again.

No faust and no Redis here: the worker hands in the marks, the assignment, the rebuilds and
its offsets (services/kpi/view/rebuild.py, services/kpi/stream/offsets.py), so tests drive it
directly.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from services.kpi.stream import metrics

log = logging.getLogger("wijkpuls.kpi.view")

Rebuild = Callable[[set[int]], Awaitable[int | None]]
"""Rewrites the view of the partitions; the number of entries written, None: gave up."""


class Marks(Protocol):
    async def present(self, kind: str, partitions: Iterable[int]) -> set[int]: ...

    async def begin(self, kind: str, partitions: Iterable[int], rebuild_id: str) -> None: ...

    async def finish(self, kind: str, partition: int, rebuild_id: str) -> bool: ...


class Progress(Protocol):
    """The worker's offsets per kind of view (the events or the vroegsignalen topic)."""

    async def ends(self, kind: str, partitions: set[int]) -> dict[int, int]: ...

    async def reached(self, kind: str, targets: Mapping[int, int]) -> set[int]: ...


@dataclass
class Rebuilt:
    """What one rebuild did: its partitions, entries written, seconds, and which it marked."""

    kind: str
    partitions: set[int]
    entries: int | None
    seconds: float
    marked: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class _Waiting:
    """A rebuilt partition not marked yet: the worker has not applied the topic up to
    ``target``, its end offset when the loss was noticed."""

    rebuild_id: str
    target: int


class ViewHealer:
    def __init__(
        self,
        marks: Marks,
        assigned: Callable[[], Mapping[str, set[int]]],
        busy: Callable[[], bool],
        rebuilds: Mapping[str, Rebuild],
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        progress: Progress | None = None,
    ) -> None:
        """``progress`` None: a rebuilt partition is marked at once (its tables are whole)."""
        self._marks = marks
        self._assigned = assigned
        self._busy = busy
        self._rebuilds = rebuilds
        self._new_id = new_id
        self._progress = progress
        self._waiting: dict[tuple[str, int], _Waiting] = {}

    async def check(self) -> list[Rebuilt]:
        """Rebuild every partition held here whose marker is missing, and mark those that
        have caught up; the rebuilds done."""
        done: list[Rebuilt] = []
        for kind, rebuild in self._rebuilds.items():
            if self._busy():
                break
            lost = await self._lost(kind)
            for key in [k for k in self._waiting if k[0] == kind and k[1] not in lost]:
                del self._waiting[key]  # moved away, or marked by its new owner
            waiting = {p for k, p in self._waiting if k == kind}
            result = await self._rebuild(kind, lost - waiting, rebuild) if lost - waiting else None
            marked = await self._mark_caught_up(kind)
            if result is not None:
                result.marked = marked & result.partitions
                done.append(result)
            metrics.INCOMPLETE.labels(kind).set(len(lost - marked))
        return done

    async def incomplete(self) -> dict[str, list[int]]:
        """Per kind, the partitions held here without a marker (being rebuilt or catching up)."""
        found: dict[str, list[int]] = {}
        for kind in self._rebuilds:
            if lost := await self._lost(kind):
                found[kind] = sorted(lost)
        return found

    async def _lost(self, kind: str) -> set[int]:
        mine = set(self._assigned().get(kind, ()))
        return mine - await self._marks.present(kind, mine) if mine else set()

    async def _rebuild(self, kind: str, lost: set[int], rebuild: Rebuild) -> Rebuilt:
        rebuild_id = self._new_id()
        # Before the rebuild: what the topic held when the loss was noticed.
        targets = await self._progress.ends(kind, lost) if self._progress else {}
        log.warning(
            "no view marker for %s partitions %s (a new, flushed, restarted or reset "
            "figures store): writing their whole view from the tables",
            kind,
            sorted(lost),
            extra={"rebuild": rebuild_id},
        )
        await self._marks.begin(kind, lost, rebuild_id)
        started = time.monotonic()
        entries = await rebuild(lost)
        result = Rebuilt(kind, lost, entries, time.monotonic() - started)
        metrics.REBUILD_SECONDS.labels(kind).observe(result.seconds)
        gave_up = entries is None or self._busy()
        metrics.REBUILDS.labels(kind, "given-up" if gave_up else "written").inc()
        if gave_up:
            log.warning("view rebuild of %s given up (a rebalance); tried again", kind)
            return result
        still = set(self._assigned().get(kind, ()))
        for partition in lost & still:
            self._waiting[(kind, partition)] = _Waiting(rebuild_id, targets.get(partition, 0))
        log.warning(
            "view of %s partitions %s rebuilt: %d entries in %.1f s; marked once the worker "
            "has applied the topic up to %s",
            kind,
            sorted(lost),
            entries,
            result.seconds,
            {p: targets[p] for p in sorted(targets)} or "where it stands",
            extra={"rebuild": rebuild_id},
        )
        return result

    async def _mark_caught_up(self, kind: str) -> set[int]:
        """Set the marker of every waiting partition the worker has caught up on; a store
        lost since its rebuild began keeps it unmarked, and the next check starts over."""
        waiting = {p: w for (k, p), w in self._waiting.items() if k == kind}
        if not waiting or self._busy():
            return set()
        targets = {p: w.target for p, w in waiting.items()}
        reached = await self._progress.reached(kind, targets) if self._progress else set(targets)
        marked: set[int] = set()
        for partition in sorted(reached & set(waiting)):
            del self._waiting[(kind, partition)]
            if await self._marks.finish(kind, partition, waiting[partition].rebuild_id):
                marked.add(partition)
        if reached:
            log.warning(
                "view of %s partitions %s complete: marked %s",
                kind,
                sorted(reached),
                sorted(marked),
            )
        return marked
