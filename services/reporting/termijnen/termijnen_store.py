"""Reads what the KPI worker keeps about deadlines and alerts.

Layout: shared/contract/alert_keys.py.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from redis.asyncio import Redis

from shared.contract.alert_keys import AlertKeys, split_member

_CHUNK = 500


class TermijnStore:
    def __init__(self, redis: Redis, keys: AlertKeys) -> None:
        self._redis = redis
        self._keys = keys

    async def zaak(self, zaak_id: str) -> dict[str, Any] | None:
        raw = await self._redis.get(self._keys.zaak(zaak_id))
        return json.loads(raw) if raw else None

    async def open_on(self, peildatum: date) -> list[tuple[str, str]]:
        """(clock, zaak) of every clock without a stop on or before the peildatum."""
        members = await self._redis.zrangebyscore(
            self._keys.open_until, f"({peildatum.toordinal()}", "+inf"
        )
        return [split_member(str(m)) for m in members]

    async def zaken(self, zaak_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(zaak_ids), _CHUNK):
            chunk = zaak_ids[start : start + _CHUNK]
            values = await self._redis.mget([self._keys.zaak(z) for z in chunk])
            found.update({z: json.loads(v) for z, v in zip(chunk, values, strict=True) if v})
        return found

    async def alerts(self, since: date | None) -> list[dict[str, Any]]:
        """Every alert in the feed with a datum on or after ``since``, newest first."""
        low = since.toordinal() if since else "-inf"
        ids = [
            str(i)
            for i in await self._redis.zrevrangebyscore(self._keys.alerts_by_datum, "+inf", low)
        ]
        alerts: list[dict[str, Any]] = []
        for start in range(0, len(ids), _CHUNK):
            values = await self._redis.hmget(self._keys.alerts, ids[start : start + _CHUNK])
            alerts.extend(json.loads(v) for v in values if v)
        return alerts
