"""Materialises each zaak's wachtend spans to Redis, for the wachtend list on any peildatum.

The worker evaluates the rule (shared/core/kpi/wachtend.py) on the zaak's history and stores the
spans of days on which it is wachtend, with wet, wijk and the grant date: nothing personal.
The reporting API picks the span that covers the peildatum asked and computes the age.

One Lua script replaces the zaak's document and its member of the until-index
(shared/contract/wachtend_keys.py) in one atomic step; writing the same document twice is a no-op. A
zaak that is wachtend on no day writes '': its document and index member are removed.
"""

from __future__ import annotations

import json

from redis.asyncio import Redis

from services.kpi.stream.redis_retry import retrying
from services.kpi.zaken.views import ScriptCall
from shared.contract.alert_keys import OPEN
from shared.contract.wachtend_keys import WachtendKeys
from shared.core.domain import ZaakHistory
from shared.core.kpi.wachtend import wachtend_spans

_REPLACE = """
local old = redis.call('GET', KEYS[1])
local new = ARGV[1]
if old == new then return 0 end
if new == '' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[3])
  return 1
end
redis.call('SET', KEYS[1], new)
redis.call('ZADD', KEYS[2], tonumber(ARGV[2]), ARGV[3])
return 1
"""


def wachtend_document(zaak_id: str, history: ZaakHistory) -> tuple[str, int]:
    """Canonical JSON of the zaak's spans and its index score; ('', OPEN) when it has none."""
    spans = wachtend_spans(history)
    if not spans:
        return "", OPEN
    last = spans[-1].until
    document = {"zaak_id": zaak_id, "spans": [s.to_dict() for s in spans]}
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text, last.toordinal() if last else OPEN


class WachtendSink:
    def __init__(self, redis: Redis, keys: WachtendKeys) -> None:
        self._keys = keys
        self._replace = redis.register_script(_REPLACE)

    def call(self, zaak_id: str, history: ZaakHistory) -> ScriptCall:
        """The script call that stores the zaak's spans as its history says (views.py)."""
        document, score = wachtend_document(zaak_id, history)
        keys = [self._keys.zaak(zaak_id), self._keys.until]
        return ScriptCall(self._replace, keys, [document, score, zaak_id])

    async def replace(self, zaak_id: str, history: ZaakHistory) -> bool:
        return bool(await retrying(self.call(zaak_id, history).run))
