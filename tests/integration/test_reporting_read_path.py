"""The reporting read path under a burst, on the real Redis: requests wait for a free pooled
connection instead of failing, and every answer is the same figures (services/reporting)."""

from __future__ import annotations

import asyncio
from datetime import date

import httpx
import pytest
from fixtures.root_logging import kept_root_logging
from redis import asyncio as aioredis

from services.reporting.app import create_app
from services.reporting.kpis.figures_store import FigureStore
from services.reporting.settings import ReportingSettings, Settings
from shared.contract.figure_keys import FigureKeys
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
    with kept_root_logging():
        app = create_app(settings, today=lambda: date(2026, 6, 30))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://r") as http:
                burst = [
                    http.get(f"/api/v1/kpi/{kpi}", headers={"X-API-Key": ANALIST})
                    for kpi in ("doorlooptijd", "wachttijd", "sth-opgepakt") * 20
                ]
                answers = await asyncio.gather(*burst)
    assert [a.status_code for a in answers] == [200] * 60
    assert len({a.text for a in answers[::3]}) == 1, "every doorlooptijd answer is the same"


async def test_the_content_version_is_reused_for_its_ttl_then_asked_again(
    redis_url: str, topic_prefix: str
) -> None:
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    keys = FigureKeys(topic_prefix)
    store = FigureStore(redis, keys, version_ttl_s=0.5)
    cell = "doorlooptijd|wmo|Binnenstad|2026-03"
    try:
        await redis.sadd(keys.cells_index, cell)
        await redis.hset(keys.cell(cell), mapping={"n": "3"})
        first = await asyncio.gather(*(store.version("doorlooptijd") for _ in range(20)))
        await redis.hset(keys.cell(cell), mapping={"n": "4"})
        within = await store.version("doorlooptijd")
        fresh = await store.version("doorlooptijd", fresh=True)
        await redis.hset(keys.cell(cell), mapping={"n": "5"})
        await asyncio.sleep(0.6)
        after = await store.version("doorlooptijd")
    finally:
        await redis.delete(keys.cells_index, keys.cell(cell))
        await redis.aclose()
    assert len(set(first)) == 1 and within == first[0], "reused within the ttl"
    assert fresh != first[0], "fresh asks Redis"
    assert after not in (first[0], fresh), "asked again after the ttl"
