"""The reporting API over a figures store that is not complete (services/reporting/health.py,
docs/reliability.md), on the real Redis: the KPI workers' view markers decide, never what
the store happens to hold. A store lost while a request reads it answers 503 as well."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import httpx
import pytest
import redis

from services.reporting.app import create_app
from services.reporting.settings import ReportingSettings, Settings
from shared.contract.figure_keys import FigureKeys
from shared.contract.view_keys import ViewKeys
from shared.core.kpi.contribution import cell_key
from shared.core.kpi.dated import dated_field
from shared.platform.problems import PROBLEM_JSON
from shared.platform.settings import KafkaSettings, RedisSettings

pytestmark = pytest.mark.integration

TODAY = date(2026, 6, 30)
ANALIST_KEY = "rebuilding-analist-key-0123456789"
KPI = "/api/v1/kpi/doorlooptijd"
MARCH = {"periode": "2026-03"}
AUTH = {"X-API-Key": ANALIST_KEY}
PARTITIONS = {"events": KafkaSettings().events_partitions,
              "vroegsignalen": KafkaSettings().vroegsignalen_partitions}  # fmt: skip


@pytest.fixture
def store(redis_url: str, topic_prefix: str) -> Iterator[redis.Redis]:
    """One doorlooptijd cell and every view marker under the test's prefix; deleted after."""
    client = redis.Redis.from_url(redis_url)
    keys = FigureKeys(topic_prefix)
    name = cell_key("doorlooptijd", "wmo", "Stiphout", "2026-03")
    client.hset(keys.cell(name), mapping={dated_field("n", date(2026, 3, 9)): 6})
    client.sadd(keys.cells_index, name)
    for _, _, key in ViewKeys(topic_prefix).markers(PARTITIONS):
        client.set(key, "test")
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield client
    root.handlers[:] = handlers
    root.setLevel(level)
    for key in client.scan_iter(match=f"{topic_prefix}wp:*"):
        client.delete(key)
    client.close()


async def _client(url: str, prefix: str, required: bool = True) -> AsyncIterator[Any]:
    settings = Settings(
        kafka=KafkaSettings(topic_prefix=prefix),
        redis=RedisSettings(url=url),
        reporting=ReportingSettings(
            api_keys={ANALIST_KEY: "analist"}, view_markers_required=required
        ),
    )
    app = create_app(settings, today=lambda: TODAY)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as http:
            yield app, http


def _rebuilding(answer: httpx.Response) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert int(answer.headers["retry-after"]) > 0
    problem = answer.json()
    assert problem["type"].endswith("/figures-rebuilding")
    assert problem["title"] == "Cijfers worden opnieuw opgebouwd"


async def test_missing_markers_give_503_and_not_ready_whatever_the_store_holds(
    store: redis.Redis, redis_url: str, topic_prefix: str
) -> None:
    async for _, http in _client(redis_url, topic_prefix):
        ready = await http.get("/ready")
        assert ready.json() == {"ready": True, "checks": {"redis": True, "figures": True}}
        answer = await http.get(
            KPI, params={"periode": "2026-03"}, headers={"X-API-Key": ANALIST_KEY}
        )
        assert answer.status_code == 200 and answer.json()["cells"], answer.text

        store.delete(ViewKeys(topic_prefix).marker("events", 3))  # one partition lost
        ready = await http.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["checks"] == {"redis": True, "figures": False}
        for path in (KPI, "/api/v1/wachtend", "/api/v1/open-over-termijn", "/api/v1/alerts"):
            answer = await http.get(path, headers=AUTH)
            _rebuilding(answer)
        assert answer.json()["errors"] == [
            {"field": "(cijfers)", "reason": "events partitie 3 niet compleet"}
        ]
        assert (await http.get("/api/v1/wijken")).status_code == 200  # configuration, no figures


async def test_a_store_lost_while_a_request_reads_it_gives_503_not_its_emptied_figures(
    store: redis.Redis, redis_url: str, topic_prefix: str
) -> None:
    async for app, http in _client(redis_url, topic_prefix):
        figures = app.state.reporting.store
        read = figures.cell_names_at

        async def lost_during_the_read(kpi: str, read: Any = read) -> tuple[str | None, set[str]]:
            for key in store.scan_iter(match=f"{topic_prefix}wp:*"):  # the FLUSHALL, here
                store.delete(key)
            named, names = await read(kpi)
            return named, set(names)

        figures.cell_names_at = lost_during_the_read
        answer = await http.get(
            KPI, params={"periode": "2026-03"}, headers={"X-API-Key": ANALIST_KEY}
        )
        _rebuilding(answer)


async def test_without_the_requirement_the_store_is_read_as_it_is(
    store: redis.Redis, redis_url: str, topic_prefix: str
) -> None:
    for key in store.scan_iter(match=f"{topic_prefix}wp:view:*"):
        store.delete(key)
    async for _, http in _client(redis_url, topic_prefix, required=False):
        assert (await http.get("/ready")).json()["checks"] == {"redis": True}
        answer = await http.get(
            KPI, params={"periode": "2026-03"}, headers={"X-API-Key": ANALIST_KEY}
        )
        assert answer.status_code == 200 and answer.json()["cells"], answer.text
