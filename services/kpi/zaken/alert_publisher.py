"""Publishes alerts: an ``alert.*`` CloudEvent on the alerts topic, then the Redis feed.

The event id is the alert id, so a repeat (a redelivered record, a restart, a replay) is a
duplicate by CloudEvents identity, not a second alert. The record is keyed by the zaak id, so
the alerts of one zaak stay in order. The send is awaited until the broker has it, before the
zaak's state records the alert as given (at-least-once; the dispatcher deduplicates).

The feed (shared/contract/alert_keys.py) keeps the first version of an alert (HSETNX) and drops
alerts older than the alerts retention of the domain configuration.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, timedelta

from redis.asyncio import Redis

from services.kpi.stream.redis_retry import retrying
from shared.contract.alert_keys import AlertKeys
from shared.contract.events import KafkaRecord, new_event, to_structured_record
from shared.core.alerts import DueAlert

Send = Callable[[KafkaRecord], Awaitable[None]]

_ADD = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
end
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4], 'LIMIT', 0, 100)
for _, id in ipairs(old) do
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
end
return 1
"""


def feed_entry(alert: DueAlert) -> str:
    return json.dumps(
        {"type": alert.event_type, **alert.data()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


class AlertPublisher:
    def __init__(
        self, send: Send, redis: Redis, keys: AlertKeys, source: str, retention_days: int
    ) -> None:
        self._send = send
        self._keys = keys
        self._source = source
        self._retention = timedelta(days=retention_days)
        self._add = redis.register_script(_ADD)

    async def publish(self, alerts: Sequence[DueAlert], today: date) -> None:
        oldest = (today - self._retention).toordinal()
        for alert in alerts:
            event = new_event(
                alert.event_type, alert.data(), source=self._source, event_id=alert.alert_id
            )
            await self._send(to_structured_record(event))
            keys = [self._keys.alerts, self._keys.alerts_by_datum]
            args = [alert.alert_id, feed_entry(alert), alert.datum.toordinal(), oldest]
            await retrying(lambda k=keys, a=args: self._add(keys=k, args=a))
