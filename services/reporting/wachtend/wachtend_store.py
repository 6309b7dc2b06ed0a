"""Reads the wachtend documents the KPI worker keeps (layout: shared/contract/wachtend_keys.py)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from redis.asyncio import Redis

from shared.contract.wachtend_keys import WachtendKeys

_CHUNK = 500


class WachtendStore:
    def __init__(self, redis: Redis, keys: WachtendKeys) -> None:
        self._redis = redis
        self._keys = keys

    async def candidates(self, peildatum: date) -> list[dict[str, Any]]:
        """The documents of every zaak whose last wachtend span had not ended on the peildatum:
        only these can be wachtend on it (the spans decide)."""
        ids = [
            str(z)
            for z in await self._redis.zrangebyscore(
                self._keys.until, f"({peildatum.toordinal()}", "+inf"
            )
        ]
        found: list[dict[str, Any]] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            values = await self._redis.mget([self._keys.zaak(z) for z in chunk])
            found.extend(json.loads(v) for v in values if v)
        return found
