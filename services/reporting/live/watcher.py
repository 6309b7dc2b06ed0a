"""The one watcher of a process: finds which KPI cells the worker changed and which alerts it
added, and publishes them to the hub (hub.py).

Every ``interval_s`` it asks Redis for each counted KPI's content version (the same digest
the read path caches, ``FigureStore.version``, so the watcher also keeps that cache fresh).
Only for a KPI whose version moved does it read a digest per cell (one Lua call) and compare
with the previous ones: the cells that differ are the ones the worker changed. A version may
move without a change (a large hash's field order), so no event goes out when no cell
differs. New alerts: the ids in the feed with a datum in the last ``ALERT_DAYS`` days (a
pushed alert is dated near the worker's clock, docs/domain.md#alerts) that were not there at
the previous tick; historisch alerts are a view, not news, and are not pushed.

Open over termijn is not watched: it is computed per request for the peildatum and moves
with the day; the alerts say when a term passes.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, timedelta

from redis.asyncio import Redis
from redis.exceptions import RedisError

from services.reporting.kpis.cells import CellId
from services.reporting.kpis.figures_store import FigureStore
from services.reporting.live.hub import Hub, LiveEvent
from shared.contract.alert_keys import AlertKeys
from shared.contract.figure_keys import FigureKeys

log = logging.getLogger("wijkpuls.reporting.live")

ALERT_DAYS = 31

# name -> SHA-1 of the cell's fields, sorted, for every cell of one KPI (ARGV as the version
# script of figures_store.py). Sorted, so the same content always gives the same digest.
CELL_DIGESTS = """
local names = redis.call('SMEMBERS', ARGV[1])
local out = {}
for _, name in ipairs(names) do
  if string.sub(name, 1, string.len(ARGV[2])) == ARGV[2] then
    local flat = redis.call('HGETALL', ARGV[3] .. name)
    local pairs_ = {}
    for i = 1, #flat, 2 do pairs_[#pairs_ + 1] = flat[i] .. '=' .. flat[i + 1] end
    table.sort(pairs_)
    out[#out + 1] = name
    out[#out + 1] = redis.sha1hex(table.concat(pairs_, '\\0'))
  end
end
return out
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Watcher:
    def __init__(
        self,
        redis: Redis,
        store: FigureStore,
        figure_keys: FigureKeys,
        alert_keys: AlertKeys,
        kpis: Sequence[str],
        today: Callable[[], Awaitable[date]],
        interval_s: float,
    ) -> None:
        self._redis = redis
        self._store = store
        self._figure_keys = figure_keys
        self._alert_keys = alert_keys
        self._kpis = list(kpis)
        self._today = today
        self._interval_s = interval_s
        self._digests = redis.register_script(CELL_DIGESTS)
        self._versions: dict[str, str] = {}
        self._cells: dict[str, dict[str, str]] = {}
        self._alert_ids: set[str] | None = None

    async def __call__(self, hub: Hub) -> None:
        """Runs until cancelled; the first round only records where things stand."""
        self._versions, self._cells, self._alert_ids = {}, {}, None
        while True:
            try:
                for event in await self.changes():
                    hub.publish(event)
            except RedisError as exc:  # Redis away: the streams keep their heartbeats
                log.warning("live watcher: redis", extra={"error": type(exc).__name__})
            await asyncio.sleep(self._interval_s)

    async def changes(self) -> list[LiveEvent]:
        events: list[LiveEvent] = []
        for kpi in self._kpis:
            version = await self._store.version(kpi, fresh=True)
            known = self._versions.get(kpi)
            self._versions[kpi] = version
            if known == version and kpi in self._cells:
                continue
            cells = await self._cell_digests(kpi)
            before = self._cells.get(kpi)
            self._cells[kpi] = cells
            if before is None:
                continue
            changed = sorted(
                name for name in before.keys() | cells.keys() if before.get(name) != cells.get(name)
            )
            if changed:
                events.extend(_figure_events(kpi, changed))
        events.extend(await self._new_alerts())
        return events

    async def _cell_digests(self, kpi: str) -> dict[str, str]:
        flat = await self._digests(
            args=[self._figure_keys.cells_index, f"{kpi}|", self._figure_keys.cell_prefix]
        )
        return {str(flat[i]): str(flat[i + 1]) for i in range(0, len(flat), 2)}

    async def _new_alerts(self) -> list[LiveEvent]:
        low = (await self._today() - timedelta(days=ALERT_DAYS)).toordinal()
        ids = {
            str(i)
            for i in await self._redis.zrangebyscore(self._alert_keys.alerts_by_datum, low, "+inf")
        }
        known, self._alert_ids = self._alert_ids, ids
        if known is None:
            return []
        new = sorted(ids - known)
        if not new:
            return []
        values = await self._redis.hmget(self._alert_keys.alerts, new)
        alerts = [json.loads(v) for v in values if v]
        return [
            LiveEvent("alert", _alert_row(alert))
            for alert in alerts
            if alert.get("historisch") is False
        ]


def _figure_events(kpi: str, changed: Sequence[str]) -> list[LiveEvent]:
    """One event for every role (the KPI only) and one for the roles that see small numbers
    (which cells): naming a cell whose count is hidden as "<5" would let a controlled reader
    follow that count (docs/domain.md#small-numbers)."""
    cells = [
        {"wet": c.wet, "wijk": c.wijk, "periode": c.periode}
        for c in (CellId.parse(name) for name in changed)
        if c is not None
    ]
    at = _now()
    return [
        LiveEvent("cijfers", {"kpi": kpi, "tijd": at}),
        LiveEvent("cijfers", {"kpi": kpi, "tijd": at, "cellen": cells}, for_small_numbers=True),
    ]


ALERT_FIELDS = ("alert_id", "type", "zaak_id", "wet", "wijk", "clock", "due", "datum", "historisch")


def _alert_row(alert: dict[str, object]) -> dict[str, object]:
    """The fields of a row of ``GET /api/v1/alerts`` (AlertRow), from the feed entry."""
    return {name: alert.get(name) for name in ALERT_FIELDS}
