"""Which events (source + id) the edge has already published.

This only spares the broker and tells the sender "duplicate"; correctness never depends on
it: consumers ignore a seen (source, id) themselves. An event is marked *after* the broker
acknowledged it, so a crash in between republishes (harmless) rather than loses it.
A same (source, id) with other content is a sender error and is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from enum import StrEnum

from redis.asyncio import Redis

from shared.events import CloudEvent

SEEN_TTL_S = 35 * 24 * 3600  # longer than any sender's retry horizon


class Seen(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"


def fingerprint(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class DedupStore:
    def __init__(self, redis: Redis, namespace: str) -> None:
        self._redis = redis
        self._namespace = namespace

    def _key(self, source: str, event_id: str) -> str:
        identity = fingerprint("\x1f".join((source, event_id)).encode())
        return f"{self._namespace}:seen:{identity}"

    async def check(self, source: str, event_id: str, content: bytes) -> Seen:
        stored = await self._redis.get(self._key(source, event_id))
        if stored is None:
            return Seen.NEW
        return Seen.DUPLICATE if stored.decode() == fingerprint(content) else Seen.CONFLICT

    async def classify(self, events: Sequence[CloudEvent]) -> list[Seen]:
        """Seen state of each event, counting a repeat within the same request too."""
        first: dict[tuple[str, str], bytes] = {}
        statuses = []
        for event in events:
            content = event.to_json()
            earlier = first.setdefault(event.dedup_key, content)
            if earlier is not content:
                statuses.append(Seen.DUPLICATE if earlier == content else Seen.CONFLICT)
            else:
                statuses.append(await self.check(event.source, event.id, content))
        return statuses

    async def mark(self, source: str, event_id: str, content: bytes) -> None:
        await self._redis.set(self._key(source, event_id), fingerprint(content), ex=SEEN_TTL_S)
