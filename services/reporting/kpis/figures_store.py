"""Reads the live figures the KPI worker keeps in Redis (layout: shared/contract/figure_keys.py)."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Sequence

from redis.asyncio import Redis

from shared.contract.figure_keys import FigureKeys

# The content version of one KPI's cells, computed in Redis so that a cached table is checked
# without moving its counters: SHA-1 over every cell name of the KPI in the index and its
# fields. The same content may hash differently (a large hash's field order can change), which
# only costs a recomputation; different content never hashes the same. The cell keys are
# derived from the index, not passed as KEYS: one Redis, no cluster (docs/infrastructure.md).
VERSION_SCRIPT = """
local names = redis.call('SMEMBERS', ARGV[1])
table.sort(names)
local parts = {}
for _, name in ipairs(names) do
  if string.sub(name, 1, string.len(ARGV[2])) == ARGV[2] then
    parts[#parts + 1] = name
    parts[#parts + 1] = table.concat(redis.call('HGETALL', ARGV[3] .. name), '\\0')
  end
end
return redis.sha1hex(table.concat(parts, '\\1'))
"""


class FigureStore:
    """``version_ttl_s``: how long one process reuses a KPI's content version before asking
    Redis again. The script walks every cell of the KPI inside Redis, which serves one command
    at a time: run per request it made Redis the bottleneck (200 reads/s answered 38/s, p50
    36 s). Reused for a second, the figures a reader sees are at most that much older than
    the worker's writes; concurrent requests wait for one computation instead of each
    starting their own."""

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

    async def version(self, kpi: str, *, fresh: bool = False) -> str:
        """A digest of every stored cell of ``kpi`` and its counters (one Lua call), reused
        for ``version_ttl_s`` unless ``fresh``."""
        async with self._locks[kpi]:
            known = self._versions.get(kpi)
            if not fresh and known and time.monotonic() - known[0] < self._ttl_s:
                return known[1]
            digest = str(
                await self._version(
                    args=[self._keys.cells_index, f"{kpi}|", self._keys.cell_prefix]
                )
            )
            self._versions[kpi] = (time.monotonic(), digest)
            return digest

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
