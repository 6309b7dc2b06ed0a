"""Publishes alerts: pushed ones to the alerts topic and the Redis feed, historisch ones to
the feed only, as a view of the zaak that is replaced whenever it changes.

Pushed alerts (not historisch) are a log. Each goes out as an ``alert.*`` CloudEvent on the
alerts topic, whose id is the alert id, so a repeat (a redelivered record, a restart, a
replay) is a duplicate by CloudEvents identity, not a second alert. The record is keyed by
the zaak id, so the alerts of one zaak stay in order. The send is awaited until the broker has
it, before the zaak's state records the alert as given (at-least-once; the dispatcher
deduplicates). Only pushed alerts go to the topic: the webhook dispatcher reads it.

Historisch alerts are a view (docs/domain.md#alerts): ``replace_historisch`` makes the feed hold
exactly the zaak's current historisch alerts, writing changed entries and removing the
historisch entries of the zaak's other alert ids. A pushed entry is never replaced or removed
by the view, and a pushed alert replaces a historisch entry with the same id (it became news).
The worker stages the views in its batch (``BatchedPublisher``): one pipeline per batch
instead of a round trip per evaluation.

The feed (shared/contract/alert_keys.py) keeps the first version of a pushed alert and drops
alerts older than the alerts retention of the domain configuration.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date, timedelta
from functools import partial
from typing import Any

from redis.asyncio import Redis

from services.kpi.stream.redis_retry import retrying
from services.kpi.zaken.views import ScriptCall, ViewBatch
from shared.contract.alert_keys import AlertKeys
from shared.contract.events import KafkaRecord, new_event, to_structured_record
from shared.core.alerts import DueAlert

Send = Callable[[KafkaRecord], Awaitable[None]]

_TRIM = """
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1], 'LIMIT', 0, 100)
for _, id in ipairs(old) do
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
end
return 1
"""

# ARGV: oldest ordinal kept, alert id, feed entry, datum ordinal. A pushed entry already there
# stays (the first version wins); a historisch one is replaced.
_ADD = (
    """
local old = redis.call('HGET', KEYS[1], ARGV[2])
if (not old) or cjson.decode(old)['historisch'] ~= false then
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[2])
end
"""
    + _TRIM
)

# ARGV: oldest ordinal kept, the number n of candidate ids, the n ids, then per alert of the
# view its id, feed entry and datum ordinal. Every candidate that is not in the view loses its
# historisch entry; pushed entries (historisch false) are left as they are.
_REPLACE_VIEW = (
    """
local n = tonumber(ARGV[2])
local view = {}
for i = 3 + n, #ARGV, 3 do view[ARGV[i]] = i end
for i = 3, 2 + n do
  local id = ARGV[i]
  local old = redis.call('HGET', KEYS[1], id)
  if not (old and cjson.decode(old)['historisch'] == false) then
    local at = view[id]
    if at then
      if old ~= ARGV[at + 1] then
        redis.call('HSET', KEYS[1], id, ARGV[at + 1])
        redis.call('ZADD', KEYS[2], ARGV[at + 2], id)
      end
    elseif old then
      redis.call('HDEL', KEYS[1], id)
      redis.call('ZREM', KEYS[2], id)
    end
  end
end
"""
    + _TRIM
)


def feed_entry(alert: DueAlert) -> str:
    return entry_of(alert.event_type, alert.data())


def entry_of(event_type: str, data: Mapping[str, Any]) -> str:
    """The feed entry of an alert event: its catalog type name and its ``data``."""
    return json.dumps(
        {"type": event_type, **data}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
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
        self._replace_view = redis.register_script(_REPLACE_VIEW)

    def _oldest(self, today: date) -> int:
        return (today - self._retention).toordinal()

    async def publish(self, alerts: Sequence[DueAlert], today: date) -> None:
        """Push ``alerts`` (none historisch): the alerts topic, then the feed."""
        oldest = self._oldest(today)
        keys = [self._keys.alerts, self._keys.alerts_by_datum]
        for alert in alerts:
            if alert.historisch:
                raise ValueError(f"alert {alert.alert_id} is historisch: a view, not pushed")
            event = new_event(
                alert.event_type, alert.data(), source=self._source, event_id=alert.alert_id
            )
            await self._send(to_structured_record(event))
            args: list[str | int] = [
                oldest, alert.alert_id, feed_entry(alert), alert.datum.toordinal()
            ]  # fmt: skip
            await retrying(partial(self._add, keys=keys, args=args))

    async def restore_pushed(
        self, alert_id: str, event_type: str, data: Mapping[str, Any], today: date
    ) -> None:
        """Put a pushed alert read back from the alerts topic into the feed, as ``publish``
        did (the first version stays): a lost figures store (services/kpi/view/)."""
        keys = [self._keys.alerts, self._keys.alerts_by_datum]
        datum = date.fromisoformat(str(data["datum"])).toordinal()
        args: list[str | int] = [self._oldest(today), alert_id, entry_of(event_type, data), datum]
        await retrying(partial(self._add, keys=keys, args=args))

    async def replace_historisch(
        self, zaak_id: str, candidates: Sequence[str], alerts: Sequence[DueAlert], today: date
    ) -> None:
        """Make ``alerts`` the zaak's historisch view in the feed (nothing to Kafka).

        ``candidates`` are the zaak's possible alert ids; the historisch entries of those not
        in ``alerts`` are removed. Alerts older than the retention are left out.
        """
        await retrying(self.historisch_call(zaak_id, candidates, alerts, today).run)

    def historisch_call(
        self, zaak_id: str, candidates: Sequence[str], alerts: Sequence[DueAlert], today: date
    ) -> ScriptCall:
        """The script call of ``replace_historisch``, for a pipeline (views.py)."""
        oldest = self._oldest(today)
        kept = [a for a in alerts if a.datum.toordinal() >= oldest]
        ids = sorted({*candidates, *(a.alert_id for a in kept)})
        args: list[str | int] = [oldest, len(ids), *ids]
        for alert in kept:
            if not alert.historisch or alert.zaak_id != zaak_id:
                raise ValueError(f"alert {alert.alert_id} is not a historisch alert of {zaak_id}")
            args += [alert.alert_id, feed_entry(alert), alert.datum.toordinal()]
        keys = [self._keys.alerts, self._keys.alerts_by_datum]
        return ScriptCall(self._replace_view, keys, args)


HistorischView = tuple[Sequence[str], Sequence[DueAlert], date]
"""A zaak's historisch view as ``replace_historisch`` takes it: candidates, alerts, today."""


class _HistorischSink:
    def __init__(self, publisher: AlertPublisher) -> None:
        self._publisher = publisher

    def call(self, zaak_id: str, view: HistorischView) -> ScriptCall:
        return self._publisher.historisch_call(zaak_id, *view)


class BatchedPublisher:
    """The publisher as the worker's processor uses it: pushed alerts go out at once (the
    topic, then the feed); a zaak's historisch view is staged with its figures, termijnen and
    wachtend views and written in the batch's pipeline (views.py), the last one per zaak.

    The order against the pushed alerts of the same batch does not matter: a pushed entry
    replaces a historisch one, and the view never touches a pushed entry.
    """

    def __init__(self, publisher: AlertPublisher, views: ViewBatch) -> None:
        self._publisher = publisher
        self._historisch = views.staged(_HistorischSink(publisher))

    async def publish(self, alerts: Sequence[DueAlert], today: date) -> None:
        await self._publisher.publish(alerts, today)

    async def replace_historisch(
        self, zaak_id: str, candidates: Sequence[str], alerts: Sequence[DueAlert], today: date
    ) -> None:
        view: HistorischView = (tuple(candidates), tuple(alerts), today)
        await self._historisch.replace(zaak_id, view)
