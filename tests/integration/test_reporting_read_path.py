"""The reporting read path under a burst, on the real Redis: requests wait for a free pooled
connection instead of failing, and every answer is the same figures (services/reporting)."""

from __future__ import annotations

import asyncio
import logging
from datetime import date

import httpx
import pytest

from services.reporting.app import create_app
from services.reporting.settings import ReportingSettings, Settings
from shared.platform.settings import KafkaSettings, RedisSettings

pytestmark = pytest.mark.integration
ANALIST = "read-path-analist-key-0123"


async def test_a_burst_on_one_pooled_connection_is_answered_not_refused(
    redis_url: str, topic_prefix: str
) -> None:
    settings = Settings(
        kafka=KafkaSettings(topic_prefix=topic_prefix),
        redis=RedisSettings(url=redis_url),
        reporting=ReportingSettings(api_keys={ANALIST: "analist"}, redis_pool_size=1,
                                    redis_pool_wait_s=10, max_in_flight=500),
    )  # fmt: skip
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    app = create_app(settings, today=lambda: date(2026, 6, 30))
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://r") as http:
                burst = [
                    http.get(f"/api/v1/kpi/{kpi}", headers={"X-API-Key": ANALIST})
                    for kpi in ("doorlooptijd", "wachttijd", "sth-opgepakt") * 20
                ]
                answers = await asyncio.gather(*burst)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    assert [a.status_code for a in answers] == [200] * 60
    assert len({a.text for a in answers[::3]}) == 1, "every doorlooptijd answer is the same"
