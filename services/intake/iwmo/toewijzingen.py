"""ToewijzingNummer -> zaak id, learned from the ``zorg.toegewezen`` events on the events topic.

A rebuildable view in Redis, like the figures: the entries and the positions on the events
topic they include are written in one atomic step, so a restart goes on where the view ends.
When the view is gone (a fresh or flushed Redis, or ``python -m services.intake.iwmo
rebuild-index``) the follower notices at its next write and replays the topic from the
beginning. When a toewijzingnummer was sent again for another zaak (a correction), the
event with the latest ``time`` wins (equal times: the greater id), whatever order a replay
reads the partitions in.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from redis.asyncio import Redis

from services.intake.iwmo.messages import normalise_nummer
from shared.contract.events import UndecodableRecord, from_kafka_record, full_type
from shared.contract.events.zorg import ZorgToegewezen

log = logging.getLogger("wijkpuls.intake.iwmo")
TOEGEWEZEN = full_type("zorg.toegewezen")
_MARK = TOEGEWEZEN.encode()
VIEW_LOST = -1

# KEYS: zaak, stamp, positions. ARGV: expect_view (0/1), n, n x (nummer, stamp, zaak),
# then (partition, offset) pairs. Refuses (-1) when the view vanished since the last write.
_LEARN = """
if ARGV[1] == '1' and redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
local n = tonumber(ARGV[2])
for i = 0, n - 1 do
  local nummer, stamp, zaak = ARGV[3 + 3 * i], ARGV[4 + 3 * i], ARGV[5 + 3 * i]
  local current = redis.call('HGET', KEYS[2], nummer)
  if (not current) or current < stamp then
    redis.call('HSET', KEYS[2], nummer, stamp)
    redis.call('HSET', KEYS[1], nummer, zaak)
  end
end
for j = 3 + 3 * n, #ARGV, 2 do redis.call('HSET', KEYS[3], ARGV[j], ARGV[j + 1]) end
return n
"""


@dataclass(frozen=True)
class Toewijzing:
    nummer: str
    zaak_id: str
    stamp: str  # fixed-width time + id: a later stamp sorts after an earlier one


class ToewijzingIndex:
    def __init__(self, redis: Redis, namespace: str) -> None:
        self._redis = redis
        base = f"{namespace}iwmo:{{toewijzingen}}"  # one hash slot for the atomic script
        self.keys = (f"{base}:zaak", f"{base}:stamp", f"{base}:positions")
        self._learn = redis.register_script(_LEARN)

    async def zaken(self, nummers: Iterable[str]) -> dict[str, str]:
        """The zaak of each nummer the index knows; unknown ones are left out."""
        wanted = sorted({normalise_nummer(n) for n in nummers})
        if not wanted:
            return {}
        found = await self._redis.hmget(self.keys[0], wanted)
        return {
            n: z.decode() if isinstance(z, bytes) else z
            for n, z in zip(wanted, found, strict=True)
            if z is not None
        }

    async def positions(self) -> dict[int, int] | None:
        """Next offset per partition the view includes; None when there is no view."""
        raw = await self._redis.hgetall(self.keys[2])
        return {int(p): int(o) for p, o in raw.items()} if raw else None

    async def learn(
        self, entries: list[Toewijzing], positions: dict[int, int], *, expect_view: bool
    ) -> int:
        """Store entries and positions atomically; VIEW_LOST when the view vanished."""
        args: list[str | int] = ["1" if expect_view else "0", len(entries)]
        for e in entries:
            args += [e.nummer, e.stamp, e.zaak_id]
        for partition, offset in sorted(positions.items()):
            args += [partition, offset]
        return int(await self._learn(keys=list(self.keys), args=args))

    async def clear(self) -> None:
        await self._redis.delete(*self.keys)


def toewijzing_from(record: ConsumerRecord[bytes, bytes]) -> Toewijzing | None:
    """The toewijzing a record announces; None for any other or an undecodable record."""
    value = record.value
    if value is None or (_MARK not in value and not any(_MARK in v for _, v in record.headers)):
        return None  # cheap skip: a replay reads years of other events
    try:
        event = from_kafka_record(record.key, value, list(record.headers))
    except UndecodableRecord:
        return None  # the KPI worker dead-letters it; the index has nothing to learn
    data = event.data
    if not isinstance(data, ZorgToegewezen) or data.toewijzingnummer is None:
        return None
    micros = int(event.time.timestamp() * 1_000_000)
    return Toewijzing(
        normalise_nummer(data.toewijzingnummer), data.zaak_id, f"{micros:020d}|{event.id}"
    )


class IndexFollower:
    """Reads every partition of the events topic into the index, for as long as it runs."""

    def __init__(
        self,
        make_consumer: Callable[[], AIOKafkaConsumer],
        partitions_for: Callable[[str], Awaitable[set[int]]],
        topic: str,
        index: ToewijzingIndex,
        on_learned: Callable[[set[str]], None],
    ) -> None:
        self._make_consumer = make_consumer
        self._partitions_for = partitions_for  # the producer's: it waits for the metadata
        self._topic = topic
        self._index = index
        self._on_learned = on_learned
        self._written = False

    async def run(self, stopping: asyncio.Event) -> None:
        """Follow the topic until ``stopping``; an error ends the run (the caller restarts it)."""
        consumer = self._make_consumer()
        await consumer.start()
        try:
            partitions = await self._partitions_for(self._topic)
            tps = [TopicPartition(self._topic, p) for p in sorted(partitions)]
            consumer.assign(tps)
            await self._start_positions(consumer, tps)
            while not stopping.is_set():
                batches = await consumer.getmany(timeout_ms=1000, max_records=1000)
                entries = [
                    t
                    for records in batches.values()
                    for r in records
                    if (t := toewijzing_from(r)) is not None
                ]
                positions = {tp.partition: await consumer.position(tp) for tp in tps}
                written = await self._index.learn(entries, positions, expect_view=self._written)
                if written == VIEW_LOST:
                    log.warning("toewijzing index vanished from Redis; replaying the events topic")
                    await consumer.seek_to_beginning(*tps)
                    self._written = False
                    continue
                self._written = True
                if entries:
                    self._on_learned({e.nummer for e in entries})
        finally:
            await consumer.stop()

    async def _start_positions(self, consumer: AIOKafkaConsumer, tps: list[TopicPartition]) -> None:
        stored = await self._index.positions()
        if stored is None:
            log.info("no toewijzing index in Redis; building it from the events topic")
            await consumer.seek_to_beginning(*tps)
            return
        for tp in tps:
            if tp.partition in stored:
                consumer.seek(tp, stored[tp.partition])
            else:
                await consumer.seek_to_beginning(tp)
        self._written = True
