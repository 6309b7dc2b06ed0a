"""Writes a vroegsignaalzaak's contribution (or its frozen one) to the Redis figures.

The same atomic, idempotent replace script as the case zaken (services/kpi/zaken/figures_sink.py),
taking
the contribution itself: a vroegsignaalzaak's comes from its own history type, or, once the
zaak passed retention, from its frozen record, which has no history left to compute from.
"""

from __future__ import annotations

from redis.asyncio import Redis

from services.kpi.stream.redis_retry import retrying
from services.kpi.zaken.figures_sink import _REPLACE as REPLACE_SCRIPT
from services.kpi.zaken.figures_sink import encode
from shared.contract.figure_keys import FigureKeys
from shared.core.kpi.contribution import Contribution


class ContributionSink:
    def __init__(self, redis: Redis, keys: FigureKeys) -> None:
        self._keys = keys
        self._replace = redis.register_script(REPLACE_SCRIPT)

    async def replace(self, zaak_id: str, contribution: Contribution) -> bool:
        """Make the zaak count as ``contribution``; retried while Redis is away (never skipped)."""
        keys = [self._keys.contribution(zaak_id)]
        args = [encode(contribution), self._keys.cell_prefix, self._keys.cells_index]
        return bool(await retrying(lambda: self._replace(keys=keys, args=args)))
