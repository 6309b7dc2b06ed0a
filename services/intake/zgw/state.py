"""The adapter's view of the zaken it has seen, in Redis: a rebuildable cache, never the truth.

Per zaak: whether it is open, the last opschorting/verlenging seen and the ids already
published; plus the set of open zaak URLs that reconciliation re-reads. Losing it costs
duplicates (same ids), not facts: reconciliation rebuilds it from the APIs. Nothing personal
is kept: zaak URLs and event ids only.
"""

from __future__ import annotations

import hashlib

from redis.asyncio import Redis

from services.intake.zgw.models import ZaakState

CLOSED_TTL_S = 400 * 24 * 3600  # a closed zaak may still get a late besluit or correction


class StateStore:
    def __init__(self, redis: Redis, namespace: str) -> None:
        self._redis = redis
        self._namespace = namespace
        self._open = f"{namespace}:open"

    def _key(self, url: str) -> str:
        return f"{self._namespace}:zaak:{hashlib.sha256(url.encode()).hexdigest()[:32]}"

    async def load(self, url: str) -> ZaakState | None:
        raw = await self._redis.get(self._key(url))
        return None if raw is None else ZaakState.model_validate_json(raw)

    async def save(self, state: ZaakState) -> None:
        key, body = self._key(state.url), state.model_dump_json()
        async with self._redis.pipeline(transaction=True) as pipe:
            if state.open:
                pipe.set(key, body)
                pipe.sadd(self._open, state.url)
            else:
                pipe.set(key, body, ex=CLOSED_TTL_S)
                pipe.srem(self._open, state.url)
            await pipe.execute()

    async def open_zaken(self) -> set[str]:
        members = await self._redis.smembers(self._open)
        return {m.decode() if isinstance(m, bytes) else m for m in members}

    async def forget(self, url: str) -> None:
        """A zaak the API no longer has (destroyed): stop re-reading it."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._key(url))
            pipe.srem(self._open, url)
            await pipe.execute()
