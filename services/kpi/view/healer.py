"""Notices a lost figures store and has the worker's partitions rebuilt: the marker logic.

Every check (``WIJKPULS_KPI_VIEW_CHECK_S``, and so also right after Redis answers again) asks
Redis for the markers of the partitions this worker holds. A missing marker means the store
lost that partition's view (a FLUSHALL, a restart without persistence, a new Redis, or the
first start of a worker that writes markers). The healer then marks those partitions
``rebuilding``, has them rebuilt from the changelog-backed tables and sets each marker again,
but only for a partition still assigned here and only if the store was not lost again
meanwhile (marks.py). Nothing is marked while a rebalance runs or after a rebuild that gave
up (a rebalance began); the next check tries again.

No faust and no Redis here: the worker hands in the marks, the assignment and the rebuilds
(services/kpi/view/rebuild.py), so tests drive it directly.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger("wijkpuls.kpi.view")

Rebuild = Callable[[set[int]], Awaitable[int | None]]
"""Rewrites the view of the partitions; the number of entries written, None: gave up."""


class Marks(Protocol):
    async def present(self, kind: str, partitions: Iterable[int]) -> set[int]: ...

    async def begin(self, kind: str, partitions: Iterable[int], rebuild_id: str) -> None: ...

    async def finish(self, kind: str, partition: int, rebuild_id: str) -> bool: ...


@dataclass
class Rebuilt:
    """What one rebuild did: its partitions, entries written, seconds, and which it marked."""

    kind: str
    partitions: set[int]
    entries: int | None
    seconds: float
    marked: set[int] = field(default_factory=set)


class ViewHealer:
    def __init__(
        self,
        marks: Marks,
        assigned: Callable[[], Mapping[str, set[int]]],
        busy: Callable[[], bool],
        rebuilds: Mapping[str, Rebuild],
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._marks = marks
        self._assigned = assigned
        self._busy = busy
        self._rebuilds = rebuilds
        self._new_id = new_id

    async def check(self) -> list[Rebuilt]:
        """Rebuild every partition held here whose marker is missing; what was done."""
        done: list[Rebuilt] = []
        for kind, rebuild in self._rebuilds.items():
            if self._busy():
                break
            mine = set(self._assigned().get(kind, ()))
            if not mine:
                continue
            lost = mine - await self._marks.present(kind, mine)
            if not lost:
                continue
            done.append(await self._rebuild(kind, lost, rebuild))
        return done

    async def _rebuild(self, kind: str, lost: set[int], rebuild: Rebuild) -> Rebuilt:
        rebuild_id = self._new_id()
        log.warning(
            "no view marker for %s partitions %s (a new, flushed or restarted figures "
            "store): writing their whole view from the tables",
            kind,
            sorted(lost),
            extra={"rebuild": rebuild_id},
        )
        await self._marks.begin(kind, lost, rebuild_id)
        started = time.monotonic()
        entries = await rebuild(lost)
        result = Rebuilt(kind, lost, entries, time.monotonic() - started)
        if entries is None or self._busy():
            log.warning("view rebuild of %s given up (a rebalance); tried again", kind)
            return result
        still = set(self._assigned().get(kind, ()))
        for partition in sorted(lost & still):
            if await self._marks.finish(kind, partition, rebuild_id):
                result.marked.add(partition)
        log.warning(
            "view of %s partitions %s rebuilt: %d entries in %.1f s; marked %s",
            kind,
            sorted(lost),
            entries,
            result.seconds,
            sorted(result.marked),
            extra={"rebuild": rebuild_id},
        )
        return result
