"""Which events (source + id) the edge has already published.

This only spares the broker and tells the sender "duplicate"; correctness never depends on
it: consumers ignore a seen (source, id) themselves. An event is marked *after* the broker
acknowledged it, so a crash in between republishes (harmless) rather than loses it.
A same (source, id) with other content is a sender error and is refused.

Redis holds, per published event, ``<namespace>:seen:<sha256 of source and id>`` with the
SHA-256 of its canonical JSON as the value, for ``SEEN_TTL_S``. A request costs two Redis
commands whatever its size: one script looks the batch up, one marks what was published.
Each is one command with one reply rather than one per event, because at 500 events a
request the client's packing and parsing per event cost more than Redis's work
(docs/performance.md, "Intake").
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from redis.asyncio import Redis
from redis.exceptions import RedisError

from shared.contract.events import CloudEvent

SEEN_TTL_S = 35 * 24 * 3600  # longer than any sender's retry horizon

# KEYS the events' keys; ARGV[1] their fingerprints, concatenated (64 characters each).
# Returns one character per key: n (not seen), d (seen with this content), c (other content).
_LOOK_UP = """
local answer = {}
for i = 1, #KEYS do
  local stored = redis.call('GET', KEYS[i])
  if not stored then
    answer[i] = 'n'
  elseif stored == string.sub(ARGV[1], 64 * i - 63, 64 * i) then
    answer[i] = 'd'
  else
    answer[i] = 'c'
  end
end
return table.concat(answer)
"""

# KEYS the events' keys; ARGV[1] the TTL in seconds; ARGV[2] their fingerprints as above.
_MARK = """
local ttl, fingerprints = ARGV[1], ARGV[2]
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], string.sub(fingerprints, 64 * i - 63, 64 * i), 'EX', ttl)
end
return #KEYS
"""


class Seen(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"


_ANSWERS = {"n": Seen.NEW, "d": Seen.DUPLICATE, "c": Seen.CONFLICT}


def fingerprint(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True)
class Identity:
    """An event as the store knows it: its key (source + id) and its content's fingerprint."""

    key: str
    fingerprint: str


class DedupStore:
    def __init__(self, redis: Redis, namespace: str) -> None:
        self._namespace = namespace
        self._look_up = redis.register_script(_LOOK_UP)
        self._mark = redis.register_script(_MARK)

    def _key(self, source: str, event_id: str) -> str:
        identity = fingerprint("\x1f".join((source, event_id)).encode())
        return f"{self._namespace}:seen:{identity}"

    def identities(
        self, events: Sequence[CloudEvent], contents: Sequence[bytes] | None = None
    ) -> list[Identity]:
        """Each event's identity; ``contents`` are their ``to_json()`` when made already."""
        if contents is None:
            contents = [event.to_json() for event in events]
        return [
            Identity(self._key(*event.dedup_key), fingerprint(content))
            for event, content in zip(events, contents, strict=True)
        ]

    async def classify(self, identities: Sequence[Identity]) -> list[Seen]:
        """Seen state of each event, counting a repeat within the same request too.

        A repeat of an earlier event of the request is a duplicate when it has the same
        content and that one was not refused, else it is refused too. One Redis command for
        the whole request looks up the first occurrences.
        """
        first: dict[str, int] = {}
        for index, identity in enumerate(identities):
            first.setdefault(identity.key, index)
        lookup = list(first.values())
        stored = await self._seen([identities[i] for i in lookup])
        seen = dict(zip(lookup, stored, strict=True))
        statuses: list[Seen] = []
        for index, identity in enumerate(identities):
            earlier = first[identity.key]
            if earlier == index:
                statuses.append(seen[index])
                continue
            same = identities[earlier].fingerprint == identity.fingerprint
            ok = same and statuses[earlier] is not Seen.CONFLICT
            statuses.append(Seen.DUPLICATE if ok else Seen.CONFLICT)
        return statuses

    async def _seen(self, identities: Sequence[Identity]) -> list[Seen]:
        if not identities:
            return []
        keys = [identity.key for identity in identities]
        fingerprints = "".join(identity.fingerprint for identity in identities)
        answer = await self._look_up(keys=keys, args=[fingerprints])
        text = answer.decode() if isinstance(answer, bytes) else str(answer)
        if len(text) != len(identities):
            raise RedisError(f"dedup look-up answered {len(text)} of {len(identities)} events")
        return [_ANSWERS[code] for code in text]

    async def mark(self, identities: Sequence[Identity]) -> None:
        """Remember published events, in one round trip (one script call)."""
        if not identities:
            return
        keys = [identity.key for identity in identities]
        fingerprints = "".join(identity.fingerprint for identity in identities)
        await self._mark(keys=keys, args=[SEEN_TTL_S, fingerprints])
