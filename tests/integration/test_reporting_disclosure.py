"""Disclosure control in the reporting API (docs/domain.md#small-numbers) on a real Redis: a
small generated year of cells, written by the KPI worker's own sink, read through
``GET /api/v1/kpi/{kpi}`` as publiek, beleid and analist.

The attacker (tests/fixtures/disclosure_attacker.py) solves the integer system the publiek
answer defines and may pin only what the rules cannot protect; filters never change what is
hidden; the CSV says what the JSON says; the analist sees every small number, and that read is
logged; a cached table is only served while the cells it was computed from are unchanged.
"""

from __future__ import annotations

import csv
import io
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis
from fixtures.demo_figures import demo_figures
from fixtures.disclosure_attacker import pinned_in

from demo import DemoOptions
from services.kpi.zaken.facts import zaak_fact
from services.kpi.zaken.figures_sink import FigureSink
from services.reporting.app import create_app
from services.reporting.kpis.controlled import control
from services.reporting.kpis.disclosure_rules import RULES
from services.reporting.settings import ReportingSettings, Settings
from shared.contract.events import new_event
from shared.contract.figure_keys import FigureKeys
from shared.core.domain import AtwCalendar, ZaakHistory
from shared.core.domain_config import GEMEENTE
from shared.core.kpi.contribution import zaak_contribution
from shared.core.kpi.disclosure import Disclosed, Verborgen
from shared.platform.settings import (
    KafkaSettings,
    RedisSettings,
    get_domain_config,
)

pytestmark = pytest.mark.integration

YEAR = 2026
TODAY = date(2027, 1, 10)  # the whole of 2026 has ended: publiek sees every cell of it
ANALIST = {"X-API-Key": "analist-key-0123456789"}
BELEID = {"X-API-Key": "beleid-key-0123456789"}
URL = "/api/v1/kpi/doorlooptijd"
DOMAIN = get_domain_config()
SOURCE = "urn:nld:oin:00000001002220647000:systeem:wmo-zaaksysteem"


@pytest.fixture(scope="module")
def prefix(redis_url: str) -> Iterator[str]:
    """A small generated year (a fifth of Helmond's volume) in Redis, as the worker's sink
    writes it; removed afterwards."""
    options = DemoOptions(start=date(YEAR, 1, 1), months=12, seed=5, today=TODAY, scale=0.2)
    with demo_figures(redis_url, options, f"t{uuid.uuid4().hex[:8]}.") as name:
        yield name


@pytest.fixture
async def app(redis_url: str, prefix: str, restore_logging: None) -> AsyncIterator[Any]:
    settings = Settings(
        kafka=KafkaSettings(topic_prefix=prefix),
        redis=RedisSettings(url=redis_url),
        reporting=ReportingSettings(
            api_keys={ANALIST["X-API-Key"]: "analist", BELEID["X-API-Key"]: "beleid"},
            figures_version_ttl_s=0,  # every read asks for the version: a write shows at once
        ),
    )
    app = create_app(settings, today=lambda: TODAY)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as c:
        yield c


async def cells_of(client: httpx.AsyncClient, url: str = URL, **kwargs: Any) -> list[dict]:
    response = await client.get(url, **kwargs)
    assert response.status_code == 200, response.text
    return list(response.json()["cells"])


def key_of(cell: dict) -> tuple[str, str, str, str | None]:
    return cell["wet"], cell["wijk"], cell["periode"], cell.get("clock")


async def test_no_hidden_count_can_be_worked_out_of_the_publiek_answer(
    client: httpx.AsyncClient,
):
    """Every table of the publiek answer of 2026 (all wetten, wijken, months, half-years and
    the year), solved as an integer system: a hidden count with one feasible value must be one
    the rules cannot protect (listed by the module as unprotected)."""
    rules = RULES["doorlooptijd"]
    publiek = [c for c in await cells_of(client) if c["periode"].startswith(str(YEAR))]
    published = {
        key_of(c): Disclosed(
            {f: c[f] for f in rules.counts if f not in c["verborgen"]}, Verborgen(c["verborgen"])
        )
        for c in publiek
    }
    reasons = [r for c in publiek if c["wet"] == "wmo" for r in c["verborgen"].values()]
    assert {"primair", "complement", "secundair", "afgeleid"} <= set(reasons)
    # No figure beside a hidden count it is computed from.
    for c in publiek:
        for figure, deps in rules.derived.items():
            if set(deps) & set(c["verborgen"]):
                assert c[figure] is None and c["verborgen"][figure] == "afgeleid", c
    # What the rules cannot protect, from the true counts (read as analist).
    truth = {
        key_of(c): {f: c[f] for f in rules.counts if f in c}
        for c in await cells_of(client, headers=ANALIST)
    }
    unprotected = {
        (*key[:3], field)
        for key, field in control("doorlooptijd", rules, truth, DOMAIN).unprotected
    }
    rows = [*DOMAIN.wijk_names, "onbekend"]
    big = 2 * max(v for c in truth.values() for v in c.values()) + 10
    # Two wetten keep the test quick (the unit tier attacks many generated tables): the
    # busiest and a sparse one.
    for wet in ("wmo", "participatiewet"):
        pinned = pinned_in(published, wet, rows, rules, big, year=YEAR)
        assert set(pinned) <= unprotected, {w: v for w, v in pinned.items() if w not in unprotected}


async def test_filters_do_not_change_what_is_hidden(client: httpx.AsyncClient):
    filters = [
        {"wet": "wmo"},
        {"wijk": "Warande"},
        {"periode": f"{YEAR}-03"},
        {"wet": "jeugdwet", "wijk": GEMEENTE, "periode": f"{YEAR}-H1"},
    ]
    for role in ({}, BELEID):
        everything = await cells_of(client, headers=role)
        for params in filters:
            filtered = await cells_of(client, params=params, headers=role)
            expected = [c for c in everything if all(c[k] == v for k, v in params.items())]
            assert filtered == expected and filtered, (role, params)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


@pytest.mark.parametrize("headers", [{}, BELEID, ANALIST])
async def test_the_csv_says_what_the_json_says(client: httpx.AsyncClient, headers: dict):
    cells = await cells_of(client, headers=headers)
    for asked in ({"headers": {**headers, "Accept": "text/csv"}},
                  {"headers": headers, "params": {"format": "csv"}}):  # fmt: skip
        response = await client.get(URL, **asked)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert len(rows) == len(cells)
        for row, cell in zip(rows, cells, strict=True):
            hidden = cell.get("verborgen", {})
            marked = dict(p.split("=") for p in row.pop("verborgen").split(";") if p)
            assert marked == hidden
            named = {**dict.fromkeys(hidden), **cell}  # a withheld gewijzigd is absent in JSON
            assert row == {k: "" if k in hidden else _text(v) for k, v in named.items()
                           if k != "verborgen"}  # fmt: skip


@pytest.mark.parametrize("headers", [{}, BELEID])
async def test_gewijzigd_is_shown_on_open_cells_and_withheld_on_hidden_ones(
    client: httpx.AsyncClient, headers: dict
):
    """docs/kpis.md#gewijzigd: a controlled cell with any hidden figure has no ``gewijzigd``
    and names it ``afgeleid``; every other cell, and every cell the analist reads, has it."""
    controlled = await cells_of(client, headers=headers)
    exact = {key_of(c): c for c in await cells_of(client, headers=ANALIST)}
    hidden = [c for c in controlled if c["verborgen"]]
    assert hidden and len(hidden) < len(controlled)
    for cell in controlled:
        if cell["verborgen"]:
            assert "gewijzigd" not in cell and cell["verborgen"]["gewijzigd"] == "afgeleid"
        else:
            assert cell["gewijzigd"] == exact[key_of(cell)]["gewijzigd"]
    assert all(len(c["gewijzigd"]) == 24 and c["gewijzigd"][-1] == "Z" for c in exact.values())


async def test_the_analist_sees_every_small_number_and_the_read_is_logged(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
):
    with caplog.at_level(logging.INFO, logger="wijkpuls.reporting.access"):
        analist = await cells_of(client, headers=ANALIST)
        beleid = await cells_of(client, headers=BELEID)
    logged = [r for r in caplog.records if r.name == "wijkpuls.reporting.access"]
    small = [c for c in analist if isinstance(c["n"], int) and 1 <= c["n"] < 5]
    assert small and logged[0].kleine_aantallen >= len(small)  # type: ignore[attr-defined]
    assert not hasattr(logged[1], "kleine_aantallen")
    assert [key_of(c) for c in analist] == [key_of(c) for c in beleid]
    for seen, controlled in zip(analist, beleid, strict=True):
        assert "verborgen" not in seen
        assert isinstance(seen["n"], int) and isinstance(seen["n_tijdig"], int)
        assert {k: v for k, v in seen.items() if k not in controlled["verborgen"]} == {
            k: v
            for k, v in controlled.items()
            if k != "verborgen" and k not in controlled["verborgen"]
        }


async def test_a_cached_table_is_served_only_while_its_cells_are_unchanged(
    app: Any, client: httpx.AsyncClient, redis_url: str, prefix: str
):
    first = await cells_of(client)
    cache = app.state.kpi_tables
    hits = cache.hits
    assert await cells_of(client, params={"wet": "wmo"}) == [c for c in first if c["wet"] == "wmo"]
    assert cache.hits == hits + 1
    # One more besluit, written as the worker's sink writes it: a new content version.
    where = {"wet": "wmo", "wijk": "Industriegebied", "periode": f"{YEAR}-02"}
    before = await cells_of(client, params=where, headers=ANALIST)
    history = ZaakHistory()
    for kind, datum, data in (
        ("zaak.aangemeld", f"{YEAR}-01-05", {"wet": "wmo", "soort": "melding",
                                            "wijk": "Industriegebied"}),
        ("zaak.besloten", f"{YEAR}-02-10", {"uitkomst": "toegekend"}),
    ):  # fmt: skip
        event = new_event(kind, {"zaak_id": "EXTRA-1", "datum": datum, **data}, source=SOURCE)
        found = zaak_fact(event)
        assert found is not None
        history = history.add(found[1])
    calendar = AtwCalendar(DOMAIN.gelijkgestelde_dagen)
    async with aioredis.Redis.from_url(redis_url, decode_responses=True) as r:
        sink = FigureSink(r, FigureKeys(prefix))
        await sink.replace(
            "EXTRA-1", zaak_contribution(history, DOMAIN, calendar, zaak_id="EXTRA-1")
        )
        try:
            after = await cells_of(client, params=where, headers=ANALIST)
            assert after[0]["n"] == (before[0]["n"] if before else 0) + 1
            assert cache.hits == hits + 1  # recomputed, not served from the cache
        finally:
            await sink.replace("EXTRA-1", {})
    assert await cells_of(client, params=where, headers=ANALIST) == before
