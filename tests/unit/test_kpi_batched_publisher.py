"""The worker's publisher (services/kpi/zaken/alert_publisher.py ``BatchedPublisher``): pushed
alerts go out at once, a zaak's historisch view waits in the batch's views, the last per zaak,
as the same script call ``replace_historisch`` makes. Written to a real Redis by the alert
integration tests (test_historisch_alerts, test_alert_replay)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date
from typing import Any

from redis.asyncio import Redis

from services.kpi.zaken.alert_publisher import AlertPublisher, BatchedPublisher
from services.kpi.zaken.views import ViewBatch
from shared.contract.alert_keys import AlertKeys
from shared.core.alerts import DueAlert

TODAY = date(2026, 12, 6)


class Pushed(AlertPublisher):
    def __init__(self, redis: Redis) -> None:
        super().__init__(self._record, redis, AlertKeys("x."), "test", 730)
        self.pushed: list[Sequence[DueAlert]] = []

    async def _record(self, record: Any) -> None:
        raise AssertionError("nothing pushed in this test goes to Kafka")

    async def publish(self, alerts: Sequence[DueAlert], today: date) -> None:
        self.pushed.append(alerts)


def test_views_are_staged_last_per_zaak_and_pushed_alerts_go_at_once() -> None:
    async def run() -> None:
        redis = Redis()  # never connected: nothing is flushed here
        views = ViewBatch(redis)
        inner = Pushed(redis)
        batched = BatchedPublisher(inner, views)
        await batched.replace_historisch("A", ["a1", "a2"], [], TODAY)
        await batched.replace_historisch("A", ["a1", "a2", "a3"], [], TODAY)
        await batched.replace_historisch("B", ["b1"], [], TODAY)
        await batched.publish([], TODAY)
        assert inner.pushed == [[]]
        assert views.pending() == 2  # A once (its last view), B once
        staged = views._views[0]
        call = staged.sink.call("A", staged.pending["A"])
        direct = inner.historisch_call("A", ["a1", "a2", "a3"], [], TODAY)
        assert (call.script.sha, call.keys, call.args) == (
            direct.script.sha,
            direct.keys,
            direct.args,
        )
        await redis.aclose()

    asyncio.run(run())
