"""``GET /api/v1/kpi/{kpi}/reeks`` on a real Redis holding two generated years (written by the
worker's own sink): every cell of a series is the cell the single-periode answer gives, hidden
cells and reasons included, for publiek and beleid; the periodes are the ones asked for."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import httpx
import pytest
from fixtures.demo_figures import demo_figures
from fixtures.root_logging import kept_root_logging

from demo import DemoOptions
from services.reporting.app import create_app
from services.reporting.settings import ReportingSettings, Settings
from shared.platform.settings import KafkaSettings, RedisSettings

pytestmark = pytest.mark.integration

TODAY = date(2027, 1, 10)
BELEID = {"X-API-Key": "series-beleid-key-0123456789"}
ANALIST = {"X-API-Key": "series-analist-key-0123456789"}


@pytest.fixture(scope="module")
def prefix(redis_url: str) -> Iterator[str]:
    options = DemoOptions(start=date(2025, 1, 1), months=24, seed=7, today=TODAY, scale=0.1)
    with demo_figures(redis_url, options, f"s{uuid.uuid4().hex[:8]}.") as name:
        yield name


@pytest.fixture
async def client(redis_url: str, prefix: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        kafka=KafkaSettings(topic_prefix=prefix),
        redis=RedisSettings(url=redis_url),
        reporting=ReportingSettings(
            api_keys={BELEID["X-API-Key"]: "beleid", ANALIST["X-API-Key"]: "analist"}
        ),
    )
    with kept_root_logging():
        app = create_app(settings, today=lambda: TODAY)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://r") as c:
                yield c


async def answer(client: httpx.AsyncClient, url: str, headers: dict, **query: Any) -> Any:
    got = await client.get(url, params=query, headers=headers)
    assert got.status_code == 200, got.text
    return got.json()


@pytest.mark.parametrize("role", ["publiek", "beleid"])
async def test_every_cell_of_a_series_is_the_single_answers_cell(
    client: httpx.AsyncClient, role: str
) -> None:
    headers = BELEID if role == "beleid" else {}
    for kpi, query in (
        ("doorlooptijd", {}),  # every wet and wijk, 24 months
        ("sth-opgepakt", {"stap": "halfjaar", "wijk": "Stiphout"}),
    ):
        series = await answer(client, f"/api/v1/kpi/{kpi}/reeks", headers, **query)
        if "stap" not in query:
            assert series["perioden"][0] == "2025-02" and series["perioden"][-1] == "2027-01"
            assert len(series["perioden"]) == 24
            # the running month: left out for publiek (closed periodes only), not for beleid
            assert ("2027-01" in series["weggelaten_perioden"]) == (role == "publiek")
        else:  # every half-year held, up to the one of the peildatum
            assert series["perioden"] == ["2025-H1", "2025-H2", "2026-H1", "2026-H2", "2027-H1"]
        hidden = 0
        for periode in series["perioden"]:
            single = await answer(
                client, f"/api/v1/kpi/{kpi}", headers, periode=periode,
                **{k: v for k, v in query.items() if k != "stap"},
            )  # fmt: skip
            mine = [c for c in series["cells"] if c["periode"] == periode]
            assert mine == single["cells"], (kpi, periode)
            assert (periode in series["weggelaten_perioden"]) == (
                periode in single["weggelaten_perioden"]
            )
            hidden += sum(1 for c in mine if c["verborgen"])
        assert hidden > 0, "the series has hidden cells to compare"
        assert series["normen"] == single["normen"]


async def test_the_series_periodes_and_its_refusals(client: httpx.AsyncClient) -> None:
    url = "/api/v1/kpi/wachttijd/reeks"
    chosen = await answer(client, url, ANALIST, van="2026-01", tot="2026-03", wet="wmo")
    assert chosen["perioden"] == ["2026-01", "2026-02", "2026-03"]
    assert {c["periode"] for c in chosen["cells"]} <= set(chosen["perioden"])
    assert {c["wet"] for c in chosen["cells"]} == {"wmo"}
    years = await answer(client, url, ANALIST, stap="jaar", aantal=2)
    assert years["perioden"] == ["2026", "2027"] and years["stap"] == "jaar"
    as_csv = await client.get(url, params={"van": "2026-01", "tot": "2026-03", "wet": "wmo",
                                           "format": "csv"}, headers=ANALIST)  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [(r["wijk"], r["periode"]) for r in rows] == [
        (c["wijk"], c["periode"]) for c in chosen["cells"]
    ]
    for query in (
        {"van": "2026-H1"},  # another kind than stap maand
        {"van": "2026-03", "tot": "2026-01"},
        {"van": "2016-01"},  # more than 120 months
        {"van": "2026-01", "aantal": "3"},
        {"onbekend": "1"},
    ):
        refused = await client.get(url, params=query)
        assert refused.status_code == 422, query
        assert refused.headers["content-type"].startswith("application/problem+json")
