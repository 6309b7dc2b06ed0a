"""The view markers in Redis (shared/contract/view_keys.py): read, begun, finished.

A rebuild first sets ``rebuilding`` keys with its own id; it sets a partition's marker only
if that key still holds the id (one Lua step). A store lost again while the rebuild ran has
lost the key too, so the marker is not set on a store the rebuild did not fill, and the next
check starts over.
"""

from __future__ import annotations

from collections.abc import Iterable

from redis.asyncio import Redis

from shared.contract.view_keys import ViewKeys

# KEYS: rebuilding key, marker key. ARGV: the rebuild's id.
_FINISH = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[1])
return 1
"""


class ViewMarks:
    def __init__(self, redis: Redis, keys: ViewKeys) -> None:
        self._redis = redis
        self._keys = keys
        self._finish = redis.register_script(_FINISH)

    async def present(self, kind: str, partitions: Iterable[int]) -> set[int]:
        """Which of ``partitions`` have their marker (one round trip)."""
        ordered = sorted(partitions)
        async with self._redis.pipeline(transaction=False) as pipe:
            for partition in ordered:
                pipe.exists(self._keys.marker(kind, partition))
            found = await pipe.execute()
        return {p for p, n in zip(ordered, found, strict=True) if n}

    async def begin(self, kind: str, partitions: Iterable[int], rebuild_id: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            for partition in partitions:
                pipe.set(self._keys.rebuilding(kind, partition), rebuild_id)
            await pipe.execute()

    async def finish(self, kind: str, partition: int, rebuild_id: str) -> bool:
        """Set the partition's marker; False when the store was lost since ``begin``."""
        keys = [self._keys.rebuilding(kind, partition), self._keys.marker(kind, partition)]
        return bool(await self._finish(keys=keys, args=[rebuild_id]))
