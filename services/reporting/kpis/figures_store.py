"""Reads the live figures the KPI worker keeps in Redis (layout: shared/contract/figure_keys.py)."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Sequence

from redis.asyncio import Redis

from shared.contract.figure_keys import FigureKeys

# The content version of one KPI's cells, computed in Redis so that a cached table is checked
# without moving its counters: SHA-1 over every cell name of the KPI in the index, its fields
# and its gewijzigd. The same content may hash differently (a large hash's field order can
# change), which only costs a recomputation; different content never hashes the same. The
# cell keys are derived from the index, not passed as KEYS: one Redis, no cluster
# (docs/infrastructure.md).
VERSION_SCRIPT = """
local names = redis.call('SMEMBERS', ARGV[1])
table.sort(names)
local parts = {}
for _, name in ipairs(names) do
  if string.sub(name, 1, string.len(ARGV[2])) == ARGV[2] then
    parts[#parts + 1] = name
    parts[#parts + 1] = table.concat(redis.call('HGETALL', ARGV[3] .. name), '\\0')
    parts[#parts + 1] = redis.call('HGET', ARGV[4], name) or ''
  end
end
return redis.sha1hex(table.concat(parts, '\\1'))
"""


SUMMED = "sum:"
"""Marks a version that is the KPI's content sum (kept by the worker's sink, one GET)."""


def summed_version(stored: str) -> str:
    """The version of a KPI whose content sum key holds ``stored``."""
    return SUMMED + stored


def _summed(stored: object) -> str | None:
    return None if stored is None else summed_version(str(stored))


class FigureStore:
    """A KPI's content version is its **content sum** when Redis holds one: a number the
    worker's sink script keeps, in the same atomic step as the counters, as the sum over
    every stored counter of a hash of (cell, field, value) (services/kpi/zaken/figures_sink.py,
    shared/contract/figure_keys.py ``content_sum``). It is a function of the cells' content
    alone, so one GET gives the version of exactly what is stored now, and a replayed or
    rebuilt view holds the same sum.

    Without a sum (cells written by something other than the sink) the version is the SHA-1
    walk below, reused for ``version_ttl_s``: the script walks every cell of the KPI inside
    Redis, which serves one command at a time (31 ms for doorlooptijd over 24 demo months):
    run per request it made Redis the bottleneck (200 reads/s answered 38/s, p50 36 s).
    Reused for a second, the figures a reader sees are at most that much older than the
    worker's writes; concurrent requests wait for one computation instead of each starting
    their own."""

    def __init__(self, redis: Redis, keys: FigureKeys, version_ttl_s: float = 1.0) -> None:
        self._redis = redis
        self._keys = keys
        self._version = redis.register_script(VERSION_SCRIPT)
        self._ttl_s = version_ttl_s
        self._versions: dict[str, tuple[float, str]] = {}
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def cell_names(self) -> set[str]:
        # The client decodes responses (wiring.py), so the members are str.
        members = await self._redis.smembers(self._keys.cells_index)
        return {str(m) for m in members}

    def sum_key(self, kpi: str) -> str:
        return self._keys.content_sum(kpi)

    def known_version(self, kpi: str) -> str | None:
        """The walked version of ``kpi`` while it is younger than ``version_ttl_s``."""
        known = self._versions.get(kpi)
        if known and time.monotonic() - known[0] < self._ttl_s:
            return known[1]
        return None

    def version_of(self, kpi: str, stored: object) -> str | None:
        """The version of ``kpi`` given the value its content sum key read (None: the
        walked version while younger than ``version_ttl_s``, or None)."""
        return self.known_version(kpi) if stored is None else summed_version(str(stored))

    async def version(self, kpi: str, *, fresh: bool = False) -> str:
        """The content sum of ``kpi`` (one GET); without one a digest of every stored cell
        of ``kpi`` and its counters (one Lua call), reused for ``version_ttl_s`` unless
        ``fresh``."""
        stored = await self._redis.get(self._keys.content_sum(kpi))
        if stored is not None:
            return summed_version(str(stored))
        async with self._locks[kpi]:
            known = self._versions.get(kpi)
            if not fresh and known and time.monotonic() - known[0] < self._ttl_s:
                return known[1]
            digest = str(
                await self._version(
                    args=[
                        self._keys.cells_index,
                        f"{kpi}|",
                        self._keys.cell_prefix,
                        self._keys.gewijzigd,
                    ]
                )
            )
            self._versions[kpi] = (time.monotonic(), digest)
            return digest

    async def cell_names_at(self, kpi: str) -> tuple[str | None, set[str]]:
        """The content sum version of ``kpi`` (None without one) and every stored cell's
        name, read in one MULTI/EXEC."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.get(self._keys.content_sum(kpi))
            pipe.smembers(self._keys.cells_index)
            stored, members = await pipe.execute()
        return _summed(stored), {str(m) for m in members}

    async def counters_at(
        self, kpi: str, cells: Sequence[str]
    ) -> tuple[str | None, list[dict[str, str]], list[str | None]]:
        """``counters_and_changes`` and, in the same MULTI/EXEC, the content sum version of
        ``kpi`` (None without one): the version of exactly what was read."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.get(self._keys.content_sum(kpi))
            for cell in cells:
                pipe.hgetall(self._keys.cell(cell))
            if cells:
                pipe.hmget(self._keys.gewijzigd, list(cells))
            stored, *read = await pipe.execute()
        if not cells:
            return _summed(stored), [], []
        *counters, changes = read
        return _summed(stored), list(counters), list(changes)

    async def counters(self, cells: Sequence[str]) -> list[dict[str, str]]:
        """The counters of each cell, read in one MULTI/EXEC.

        The worker changes a zaak's cells in one atomic script, so reading them in one
        transaction never shows a zaak half moved from one cell to another.
        """
        if not cells:
            return []
        async with self._redis.pipeline(transaction=True) as pipe:
            for cell in cells:
                pipe.hgetall(self._keys.cell(cell))
            return list(await pipe.execute())
