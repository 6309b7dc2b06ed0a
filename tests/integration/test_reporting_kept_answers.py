"""Kept KPI answers (services/reporting/kpis/kept_answers.py) over a real Redis written by the
KPI worker's own sink: a repeated read is served the kept bytes, and a cell the sink changes
changes the next answer at once; the content sum the sink keeps is a function of the content.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest
import redis
import redis.asyncio as aioredis

from services.kpi.zaken.figures_sink import FigureSink
from services.reporting.app import create_app
from services.reporting.kpis.kept_answers import KeptAnswerMiddleware
from services.reporting.settings import ReportingSettings, Settings
from shared.contract.figure_keys import FigureKeys
from shared.core.kpi.contribution import Contribution, cell_key, day_field
from shared.core.kpi.dated import dated_field
from shared.platform.settings import KafkaSettings, RedisSettings

pytestmark = pytest.mark.integration

TODAY = date(2026, 4, 15)
MARCH = date(2026, 3, 16)
ANALIST_KEY = "kept-answers-analist-key-0123"
URL = "/api/v1/kpi/doorlooptijd"
WINDOW_S = 0.3


def _besluiten(wijk: str, days: list[int], tijdig: int) -> Contribution:
    """One zaak's share of March 2026 Wmo doorlooptijd in ``wijk`` and the gemeente, as the
    worker's contribution (shared/core/kpi/contribution.py): counts dated the day they count."""
    out: dict[tuple[str, str], int] = {}
    for place in (wijk, "gemeente"):
        cell = cell_key("doorlooptijd", "wmo", place, "2026-03")
        out[(cell, dated_field("n", MARCH))] = len(days)
        out[(cell, dated_field("tijdig", MARCH))] = tijdig
        for day in days:
            field = dated_field(day_field(day), MARCH)
            out[(cell, field)] = out.get((cell, field), 0) + 1
    return out


@pytest.fixture
async def sink(redis_url: str, topic_prefix: str) -> AsyncIterator[FigureSink]:
    client = aioredis.Redis.from_url(redis_url, decode_responses=True)
    yield FigureSink(client, FigureKeys(topic_prefix))
    async for key in client.scan_iter(match=f"{topic_prefix}wp:*", count=1000):
        await client.delete(key)
    await client.aclose()


Client = tuple[httpx.AsyncClient, KeptAnswerMiddleware]


@pytest.fixture
async def client(redis_url: str, topic_prefix: str, restore_logging: None) -> AsyncIterator[Client]:
    async for made in _client(redis_url, topic_prefix, window_s=0.0):
        yield made


@pytest.fixture
async def windowed(
    redis_url: str, topic_prefix: str, restore_logging: None
) -> AsyncIterator[Client]:
    async for made in _client(redis_url, topic_prefix, window_s=WINDOW_S):
        yield made


async def _client(redis_url: str, topic_prefix: str, window_s: float) -> AsyncIterator[Client]:
    settings = Settings(
        kafka=KafkaSettings(topic_prefix=topic_prefix),
        redis=RedisSettings(url=redis_url),
        reporting=ReportingSettings(
            api_keys={ANALIST_KEY: "analist"}, kept_answers_window_s=window_s
        ),
    )
    app = create_app(settings, today=lambda: TODAY)
    async with app.router.lifespan_context(app):
        stack: Any = app.build_middleware_stack()
        app.middleware_stack = stack
        while not isinstance(stack, KeptAnswerMiddleware):
            stack = stack.app
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as http:
            yield http, stack


def _cell(answer: httpx.Response, wijk: str) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    cells = [c for c in answer.json()["cells"] if c["wijk"] == wijk]
    assert len(cells) == 1, cells
    found: dict[str, Any] = cells[0]
    return found


async def test_a_kept_answer_changes_when_the_worker_changes_a_cell(
    sink: FigureSink, client: Client
) -> None:
    http, kept = client
    await sink.replace("Z-kept-1", _besluiten("Brandevoort", [3, 8, 20, 41, 60, 70], 4))
    await sink.replace("Z-kept-2", _besluiten("Dierdonk", [12, 30, 61, 9, 9], 3))
    analist = {"X-API-Key": ANALIST_KEY}
    first = await http.get(URL, params={"periode": "2026-03"}, headers=analist)
    again = await http.get(URL, params={"periode": "2026-03"}, headers=analist)
    assert kept.served == 1, "the repeated read was served the kept answer"
    assert again.content == first.content
    assert again.headers["api-version"] == first.headers["api-version"]
    assert _cell(first, "Brandevoort")["n"] == 6
    as_csv = await http.get(
        URL, params={"periode": "2026-03"}, headers={**analist, "Accept": "text/csv"}
    )
    assert as_csv.headers["content-type"].startswith("text/csv") and kept.served == 1
    csv_again = await http.get(
        URL, params={"periode": "2026-03"}, headers={**analist, "Accept": "text/csv, */*"}
    )
    assert kept.served == 2 and csv_again.content == as_csv.content, "any Accept asking CSV"
    publiek = await http.get(URL, params={"periode": "2026-03"})
    assert kept.served == 2, "another role is not served the analist's answer"
    assert _cell(publiek, "Brandevoort")["n"] == 6 and publiek.content != first.content

    # The worker moves one besluit of Z-kept-1 out: the next read shows it, not the kept one.
    await sink.replace("Z-kept-1", _besluiten("Brandevoort", [3, 8, 20, 41, 60], 4))
    changed = await http.get(URL, params={"periode": "2026-03"}, headers=analist)
    assert kept.served == 2, "a changed content sum is never served from the kept answers"
    assert _cell(changed, "Brandevoort")["n"] == 5
    assert _cell(changed, "gemeente")["n"] == 10
    kept_again = await http.get(URL, params={"periode": "2026-03"}, headers=analist)
    assert kept.served == 3 and kept_again.content == changed.content

    # Back to the first content: the same sum, and the same answer as then.
    await sink.replace("Z-kept-1", _besluiten("Brandevoort", [3, 8, 20, 41, 60, 70], 4))
    back = await http.get(URL, params={"periode": "2026-03"}, headers=analist)
    assert back.content == first.content


async def test_with_a_window_a_changed_cell_is_served_once_the_window_passed(
    sink: FigureSink, windowed: Client
) -> None:
    http, kept = windowed
    await sink.replace("Z-kept-1", _besluiten("Brandevoort", [3, 8, 20, 41, 60, 70], 4))
    burst = await asyncio.gather(*(http.get(URL) for _ in range(8)))
    assert {a.status_code for a in burst} == {200} and len({a.content for a in burst}) == 1
    assert _cell(await http.get(URL, params={"periode": "2026-03"}), "Brandevoort")["n"] == 6
    await http.get(URL, params={"periode": "2026-03"})
    assert kept.served >= 1
    await sink.replace("Z-kept-1", _besluiten("Brandevoort", [3, 8, 20, 41, 60], 4))
    await asyncio.sleep(WINDOW_S + 0.05)
    changed = await http.get(URL, params={"periode": "2026-03"})
    assert _cell(changed, "Brandevoort")["n"] == 5


def _content_sums(client: redis.Redis, prefix: str) -> dict[str, int]:
    """The content sum of every KPI, computed here from the stored cells (figure_keys.py)."""
    keys = FigureKeys(prefix)
    sums: dict[str, int] = {}
    for raw in client.smembers(keys.cells_index):
        cell = raw.decode()
        for field, value in client.hgetall(keys.cell(cell)).items():
            text = f"{cell}\0{field.decode()}\0{int(value)}".encode()
            kpi = cell.split("|")[0]
            digest = int(hashlib.sha1(text, usedforsecurity=False).hexdigest()[:12], 16)
            sums[kpi] = (sums.get(kpi, 0) + digest) % 2**48
    return {kpi: total for kpi, total in sums.items() if total}


async def test_the_content_sum_is_a_function_of_the_stored_cells(
    sink: FigureSink, redis_url: str, topic_prefix: str
) -> None:
    keys = FigureKeys(topic_prefix)
    zaken = {
        f"Z-sum-{i}": _besluiten(wijk, days, tijdig)
        for i, (wijk, days, tijdig) in enumerate(
            [("Brandevoort", [3, 8], 2), ("Dierdonk", [12], 1), ("Brandevoort", [70], 0),
             ("Rijpelberg", [5, 5, 40], 2)]
        )
    }  # fmt: skip
    order = list(zaken)
    random.Random(15).shuffle(order)
    for zaak in order:  # in any order, with a detour: the sum follows the content
        await sink.replace(zaak, _besluiten("Stiphout", [99], 0))
        await sink.replace(zaak, zaken[zaak])
    with redis.Redis.from_url(redis_url) as sync:
        stored = {
            key.decode().rsplit(":", 1)[1]: int(sync.get(key) or 0)
            for key in sync.scan_iter(match=f"{keys.cells_index}:sum:*")
        }
        assert stored == _content_sums(sync, topic_prefix) != {}
        for zaak in zaken:  # every zaak gone: no cells, no sum
            await sink.replace(zaak, {})
        assert not list(sync.scan_iter(match=f"{keys.cells_index}:sum:*"))
