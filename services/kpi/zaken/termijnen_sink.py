"""Materialises each zaak's clock facts to Redis, for open over termijn and the termijnen view.

The reporting API computes due dates, their steps and the open-over-termijn list from these
facts with the same pure clock code as the worker, for whatever peildatum is asked. Only the
facts the clocks read are written: zaak.* events without household pseudonym.

One Lua script replaces the zaak's document and its members of the open-until index
(shared/contract/alert_keys.py) in one atomic step; writing the same document twice is a no-op.
The index scores each clock by the date it ended (``ClockResult.end``: its own stopping event,
or the zaak.afgesloten / besluit that ended it without one), or ``OPEN``.
"""

from __future__ import annotations

import json
from typing import Any

from redis.asyncio import Redis

from services.kpi.stream.redis_retry import retrying
from services.kpi.zaken.views import ScriptCall
from shared.contract.alert_keys import OPEN, AlertKeys, clock_member
from shared.core.domain import ZaakHistory, clock_ends
from shared.core.domain_config import ONBEKEND, DomainConfig

_PRIVATE = ("huishouden", "toewijzingnummer")

_REPLACE = """
local old = redis.call('GET', KEYS[1])
local new = ARGV[1]
if old == new then return 0 end
if old then
  for _, e in ipairs(cjson.decode(old)['index']) do redis.call('ZREM', KEYS[2], e[1]) end
end
if new == '' then redis.call('DEL', KEYS[1]) return 1 end
for _, e in ipairs(cjson.decode(new)['index']) do redis.call('ZADD', KEYS[2], e[2], e[1]) end
redis.call('SET', KEYS[1], new)
return 1
"""


def termijnen_document(zaak_id: str, history: ZaakHistory, domain: DomainConfig) -> str:
    """Canonical JSON of the zaak's clock facts and index entries; '' when it has none."""
    facts = [_clock_fact(f.to_dict()) for f in history.facts if f.event_type.startswith("zaak.")]
    if not facts:
        return ""
    aangemeld = history.current("zaak.aangemeld")
    index = [
        [clock_member(clock_id, zaak_id), end.toordinal() if end else OPEN]
        for clock_id, end in clock_ends(domain.clocks, history)
    ]
    document = {
        "zaak_id": zaak_id,
        "wet": history.wet.value if history.wet else None,
        "wijk": (aangemeld.wijk if aangemeld else None) or ONBEKEND,
        "facts": facts,
        "index": index,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _clock_fact(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in raw.items() if k not in _PRIVATE}


class TermijnSink:
    def __init__(self, redis: Redis, keys: AlertKeys, domain: DomainConfig) -> None:
        self._keys = keys
        self._domain = domain
        self._replace = redis.register_script(_REPLACE)

    def call(self, zaak_id: str, history: ZaakHistory) -> ScriptCall:
        """The script call that stores the zaak's document as its history says (views.py)."""
        document = termijnen_document(zaak_id, history, self._domain)
        return ScriptCall(
            self._replace, [self._keys.zaak(zaak_id), self._keys.open_until], [document]
        )

    async def replace(self, zaak_id: str, history: ZaakHistory) -> bool:
        return bool(await retrying(self.call(zaak_id, history).run))
