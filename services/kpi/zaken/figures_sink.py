"""Materialises zaak contributions to Redis, atomically and idempotently per zaak.

One Lua script replaces a zaak's stored contribution: it subtracts the old increments, adds
the new ones and stores the new contribution, all in one atomic step. Applying the same
contribution twice is a no-op, so a redelivered record or a restart between the changelog
write and the Redis write can neither lose nor double-count a zaak. Counters that reach zero
are deleted, so the figures are byte-identical however a zaak's history arrived.
(Keys are computed inside the script: fine on one Redis, not on Redis Cluster.)

The same step keeps each KPI's content sum (shared/contract/figure_keys.py ``content_sum``):
every counter (and ``gewijzigd`` entry) that changes takes its old value's hash out of its
KPI's sum and puts its new value's in, so the sum is a function of the stored content alone
(a replay and a rebuild write the same key, and the view comparisons hold) and reporting
checks a cached answer with one GET (services/reporting/kpis/kept_answers.py).

The same script keeps each cell's ``gewijzigd`` (docs/kpis.md#gewijzigd) in one hash: every
call hands in the zaak's change time per cell (its state, ``ZaakState.gewijzigd``) and a
cell's entry becomes the later of the two. Taking the maximum is idempotent and independent
of order, so the hash equals, per cell, the latest time over every zaak however often and in
whatever order the zaken are written (a replay, a rebuild of a lost store). It runs before
the "unchanged" check, so the write that heals a crash between the changelog and Redis heals
these times too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from redis.asyncio import Redis

from services.kpi.stream.redis_retry import retrying
from services.kpi.zaken.views import ScriptCall
from shared.contract.figure_keys import FigureKeys
from shared.core.domain import AtwCalendar, ZaakHistory
from shared.core.domain_config import DomainConfig
from shared.core.kpi.contribution import Contribution, zaak_contribution
from shared.core.kpi.gewijzigd import ChangeTimes, rfc3339

_REPLACE = """
local sums, M = {}, 281474976710656
local function count(cell, field, value, sign)
  local h = tonumber(string.sub(redis.sha1hex(cell .. '\\0' .. field .. '\\0' .. value), 1, 12), 16)
  local kpi = string.match(cell, '^[^|]*')
  sums[kpi] = ((sums[kpi] or 0) + sign * h) % M
end
local function store_sums()
  for kpi, delta in pairs(sums) do
    local key = ARGV[3] .. ':sum:' .. kpi
    local now = ((tonumber(redis.call('GET', key)) or 0) + delta) % M
    if now == 0 then
      redis.call('DEL', key)
    else
      redis.call('SET', key, string.format('%.0f', now))
    end
  end
end
if ARGV[5] and ARGV[5] ~= '[]' then
  for _, e in ipairs(cjson.decode(ARGV[5])) do
    local known = redis.call('HGET', ARGV[4], e[1])
    if (not known) or known < e[2] then
      if known then count(e[1], 'gewijzigd', known, -1) end
      count(e[1], 'gewijzigd', e[2], 1)
      redis.call('HSET', ARGV[4], e[1], e[2])
    end
  end
end
local old = redis.call('GET', KEYS[1])
local new = ARGV[1]
if old == new then store_sums() return 0 end
local function apply(entries, sign)
  for _, e in ipairs(entries) do
    local key = ARGV[2] .. e[1]
    local now = redis.call('HINCRBY', key, e[2], sign * e[3])
    local was = now - sign * e[3]
    if was ~= 0 then count(e[1], e[2], was, -1) end
    if now == 0 then
      redis.call('HDEL', key, e[2])
    else
      count(e[1], e[2], now, 1)
    end
    if redis.call('EXISTS', key) == 1 then
      redis.call('SADD', ARGV[3], e[1])
    else
      redis.call('SREM', ARGV[3], e[1])
    end
  end
end
if old then apply(cjson.decode(old), -1) end
apply(cjson.decode(new), 1)
if new == '[]' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], new) end
store_sums()
return 1
"""


def encode(contribution: Contribution) -> str:
    """Canonical JSON, so an unchanged contribution compares equal inside the script."""
    entries = sorted([cell, field, inc] for (cell, field), inc in contribution.items() if inc)
    return json.dumps(entries, separators=(",", ":"))


def encode_times(times: ChangeTimes) -> str:
    """``[[cell, "2026-03-02T08:15:00.123Z"], ...]`` sorted by cell."""
    return json.dumps(
        [[cell, rfc3339(at_ms)] for cell, at_ms in sorted(times.items())], separators=(",", ":")
    )


@dataclass(frozen=True, slots=True)
class FiguresOfZaak:
    """What the figures view of a zaak is written from: its history, the change times of its
    cells and, when the processor computed it already, its contribution."""

    history: ZaakHistory
    gewijzigd: ChangeTimes = field(default_factory=dict)
    contribution: Contribution | None = None


class FigureSink:
    def __init__(self, redis: Redis, keys: FigureKeys) -> None:
        self._keys = keys
        self._replace = redis.register_script(_REPLACE)

    def call(
        self, zaak_id: str, contribution: Contribution, gewijzigd: ChangeTimes | None = None
    ) -> ScriptCall:
        """The script call that makes the zaak count as ``contribution`` and brings its
        cells' ``gewijzigd`` up to ``gewijzigd`` (views.py)."""
        args = [
            encode(contribution),
            self._keys.cell_prefix,
            self._keys.cells_index,
            self._keys.gewijzigd,
            encode_times(gewijzigd) if gewijzigd else "[]",
        ]
        return ScriptCall(self._replace, [self._keys.contribution(zaak_id)], args)

    async def replace(
        self, zaak_id: str, contribution: Contribution, gewijzigd: ChangeTimes | None = None
    ) -> bool:
        """Make the zaak count as ``contribution``; retried while Redis is away (never skipped)."""
        return bool(await retrying(self.call(zaak_id, contribution, gewijzigd).run))


class ZaakFigures:
    """The figures view of a case zaak: its contribution to every KPI, from its history."""

    def __init__(self, sink: FigureSink, domain: DomainConfig, calendar: AtwCalendar) -> None:
        self._sink = sink
        self._domain = domain
        self._calendar = calendar

    def contribution(self, zaak_id: str, history: ZaakHistory) -> Contribution:
        if not history.facts:
            return {}
        return zaak_contribution(history, self._domain, self._calendar, zaak_id=zaak_id)

    def call(self, zaak_id: str, zaak: ZaakHistory | FiguresOfZaak) -> ScriptCall:
        if isinstance(zaak, ZaakHistory):
            zaak = FiguresOfZaak(zaak)
        contribution = zaak.contribution
        if contribution is None:
            contribution = self.contribution(zaak_id, zaak.history)
        return self._sink.call(zaak_id, contribution, zaak.gewijzigd)

    async def replace(self, zaak_id: str, zaak: ZaakHistory | FiguresOfZaak) -> bool:
        return bool(await retrying(self.call(zaak_id, zaak).run))
