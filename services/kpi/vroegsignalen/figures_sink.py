"""Writes a vroegsignaalzaak's contribution (or its frozen one) to the Redis figures.

The same atomic, idempotent replace script as the case zaken (services/kpi/zaken/figures_sink.py),
taking the contribution itself: a vroegsignaalzaak's comes from its own history type, or, once
the zaak passed retention, from its frozen record, which has no history left to compute from.
Beside it the change time of each of the zaak's cells, which the script takes into the cells'
``gewijzigd`` (the later of the two; docs/kpis.md#gewijzigd).
"""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis

from services.kpi.stream.redis_retry import retrying
from services.kpi.zaken.figures_sink import FigureSink
from services.kpi.zaken.views import ScriptCall
from shared.contract.figure_keys import FigureKeys
from shared.core.kpi.contribution import Contribution
from shared.core.kpi.gewijzigd import ChangeTimes


class ContributionSink:
    def __init__(self, redis: Redis, keys: FigureKeys) -> None:
        self._redis = redis
        self._sink = FigureSink(redis, keys)

    def call(
        self, zaak_id: str, contribution: Contribution, gewijzigd: ChangeTimes | None = None
    ) -> ScriptCall:
        return self._sink.call(zaak_id, contribution, gewijzigd)

    async def replace(
        self, zaak_id: str, contribution: Contribution, gewijzigd: ChangeTimes | None = None
    ) -> bool:
        """Make the zaak count as ``contribution`` and bring its cells' ``gewijzigd`` up to
        ``gewijzigd``; retried while Redis is away (never skipped)."""
        return bool(await retrying(self.call(zaak_id, contribution, gewijzigd).run))

    async def replace_all(
        self, items: Sequence[tuple[str, Contribution, ChangeTimes]], chunk: int = 500
    ) -> None:
        """``replace`` for many zaken, in order, one pipelined round trip per ``chunk`` (a
        rebuild of the figures, services/kpi/view/). Raises when a write fails."""
        for start in range(0, len(items), chunk):
            calls = [self.call(z, c, t) for z, c, t in items[start : start + chunk]]

            async def send(calls: list[ScriptCall] = calls) -> list[object]:
                pipe = self._redis.pipeline(transaction=False)
                for call in calls:
                    call.queue(pipe)
                return list(await pipe.execute(raise_on_error=True))

            await retrying(send)
