"""Reads the live figures the KPI worker keeps in Redis (layout: shared/contract/figure_keys.py)."""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis

from shared.contract.figure_keys import FigureKeys


class FigureStore:
    def __init__(self, redis: Redis, keys: FigureKeys) -> None:
        self._redis = redis
        self._keys = keys

    async def cell_names(self) -> set[str]:
        # The client decodes responses (wiring.py), so the members are str.
        members = await self._redis.smembers(self._keys.cells_index)
        return {str(m) for m in members}

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
