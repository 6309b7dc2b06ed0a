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

from shared.contract.events import CloudEvent

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

    async def classify(self, events: Sequence[CloudEvent]) -> list[Seen]:
        """Seen state of each event, counting a repeat within the same request too.

        One Redis round trip for the whole request (MGET of the first occurrences).
        """
        contents = [event.to_json() for event in events]
        first: dict[tuple[str, str], int] = {}
        for index, event in enumerate(events):
            first.setdefault(event.dedup_key, index)
        lookup = list(first.values())
        keys = [self._key(*events[i].dedup_key) for i in lookup]
        stored = dict(zip(lookup, await self._redis.mget(keys), strict=True)) if keys else {}
        statuses: list[Seen] = []
        for index, event in enumerate(events):
            earlier = first[event.dedup_key]
            if earlier != index:
                # a repeat of a refused event is refused with it
                same = contents[earlier] == contents[index]
                ok = same and statuses[earlier] is not Seen.CONFLICT
                statuses.append(Seen.DUPLICATE if ok else Seen.CONFLICT)
            elif (raw := stored[index]) is None:
                statuses.append(Seen.NEW)
            else:
                text = raw.decode() if isinstance(raw, bytes) else raw
                same = text == fingerprint(contents[index])
                statuses.append(Seen.DUPLICATE if same else Seen.CONFLICT)
        return statuses

    async def mark(self, events: Sequence[CloudEvent]) -> None:
        """Remember published events, in one round trip."""
        if not events:
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            for event in events:
                key = self._key(*event.dedup_key)
                pipe.set(key, fingerprint(event.to_json()), ex=SEEN_TTL_S)
            await pipe.execute()
