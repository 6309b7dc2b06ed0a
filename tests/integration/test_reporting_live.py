"""``GET /api/v1/live`` on a real reporting process and the real Redis: a cell the worker
changes and a pushed alert reach the open streams, each role getting what it may see; quiet
streams get heartbeats; past the per-process bound a stream gets 503 + Retry-After, and a
closed stream frees its place (services/reporting/live/)."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from fixtures.service_procs import free_port, http_ok, run_service

from shared.contract.alert_keys import AlertKeys
from shared.contract.figure_keys import FigureKeys
from shared.core.local_time import amsterdam_today

pytestmark = pytest.mark.integration
ANALIST = "live-analist-key-0123456789"
BELEID = "live-beleid-key-0123456789"
MAX_STREAMS = 3


@pytest.fixture(scope="module")
def service(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    prefix = f"live-{os.urandom(5).hex()}-"
    port = free_port()
    env = {
        **os.environ,
        "WIJKPULS_REDIS_URL": redis_url,
        "WIJKPULS_KAFKA_TOPIC_PREFIX": prefix,
        "WIJKPULS_ENVIRONMENT": "test",
        "WIJKPULS_REPORTING_API_KEYS": json.dumps({ANALIST: "analist", BELEID: "beleid"}),
        "WIJKPULS_REPORTING_LIVE_MAX_CONNECTIONS": str(MAX_STREAMS),
        "WIJKPULS_REPORTING_LIVE_HEARTBEAT_S": "0.5",
        "WIJKPULS_REPORTING_LIVE_INTERVAL_S": "0.2",
        "WIJKPULS_REPORTING_MAX_IN_FLIGHT": "2",  # fewer than the streams kept open below
    }
    log = Path(tmp_path_factory.mktemp("live")) / "reporting.log"
    base = f"http://127.0.0.1:{port}"
    args = ["-m", "services.reporting", "--port", str(port)]
    try:
        # /health, not /ready: readiness also asks for the KPI workers, which this test has not
        with run_service(args, env, log, http_ok(f"{base}/health")):
            yield base, prefix
    finally:
        store = redis.Redis.from_url(redis_url)
        keys = list(store.scan_iter(f"{prefix}*"))
        if keys:
            store.delete(*keys)
        store.close()


class Stream:
    """The events of one open stream, as (name, data); comments as ("", text)."""

    def __init__(self, answer: httpx.Response) -> None:
        self.answer = answer
        self.events: list[tuple[str, Any]] = []
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        name, data = "", ""
        async for line in self.answer.aiter_lines():
            if line.startswith(":"):
                self.events.append(("", line[1:].strip()))
            elif line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data = line[5:].strip()
            elif line == "" and name:
                self.events.append((name, json.loads(data)))
                name, data = "", ""

    async def until(self, name: str, timeout_s: float = 10) -> list[Any]:
        for _ in range(int(timeout_s / 0.05)):
            found = [d for n, d in self.events if n == name]
            if found:
                return found
            await asyncio.sleep(0.05)
        raise AssertionError(f"no {name!r} event in {timeout_s} s; got {self.events}")

    def named(self, name: str) -> list[Any]:
        return [d for n, d in self.events if n == name]


@asynccontextmanager
async def stream(base: str, key: str | None = None) -> AsyncIterator[Stream]:
    headers = {"Accept": "text/event-stream", **({"X-API-Key": key} if key else {})}
    async with (
        httpx.AsyncClient(timeout=httpx.Timeout(10, read=None)) as http,
        http.stream("GET", f"{base}/api/v1/live", headers=headers) as answer,
    ):
        opened = Stream(answer)
        try:
            yield opened
        finally:
            opened._task.cancel()


def _write_cell(url: str, prefix: str, cell: str, fields: dict[str, int]) -> None:
    """What the worker's sink does to a cell (services/kpi/zaken/figures_sink.py)."""
    keys = FigureKeys(prefix)
    with redis.Redis.from_url(url) as r:
        r.hset(keys.cell(cell), mapping=fields)
        r.sadd(keys.cells_index, cell)


def _add_alert(url: str, prefix: str, alert_id: str, datum: date, *, historisch: bool) -> None:
    """What the worker's alert publisher adds to the feed (alert_publisher.py)."""
    keys = AlertKeys(prefix)
    entry = {"type": "alert.termijn-overschreden", "alert_id": alert_id, "zaak_id": "Z-live-1",
             "wet": "wmo", "wijk": "Stiphout", "clock": "wmo-besluit", "due": datum.isoformat(),
             "datum": datum.isoformat(), "historisch": historisch}  # fmt: skip
    with redis.Redis.from_url(url) as r:
        r.hset(keys.alerts, alert_id, json.dumps(entry))
        r.zadd(keys.alerts_by_datum, {alert_id: datum.toordinal()})


async def test_a_changed_cell_and_a_pushed_alert_reach_each_role_as_it_may_see_them(
    service: tuple[str, str], redis_url: str
) -> None:
    base, prefix = service
    today = amsterdam_today()
    periode = today.strftime("%Y-%m")
    cell = f"doorlooptijd|wmo|Stiphout|{periode}"
    _write_cell(redis_url, prefix, cell, {f"n@{today:%Y%m%d}": 6})
    async with stream(base, ANALIST) as analist, stream(base) as publiek:
        assert analist.answer.status_code == 200
        assert analist.answer.headers["content-type"].startswith("text/event-stream")
        [hello] = await analist.until("verbonden")
        assert hello["rol"] == "analist" and "doorlooptijd" in hello["kpis"]
        assert (await publiek.until("verbonden"))[0]["rol"] == "publiek"
        await asyncio.sleep(0.6)  # the watcher's first look records where things stand

        _write_cell(redis_url, prefix, cell, {f"n@{today:%Y%m%d}": 7})
        [changed] = await analist.until("cijfers")
        assert changed["kpi"] == "doorlooptijd"
        assert changed["cellen"] == [{"wet": "wmo", "wijk": "Stiphout", "periode": periode}]
        [told] = await publiek.until("cijfers")
        assert told["kpi"] == "doorlooptijd" and "cellen" not in told, "no cells for publiek"

        _add_alert(redis_url, prefix, "alert-historisch", today, historisch=True)
        _add_alert(redis_url, prefix, "alert-pushed", today, historisch=False)
        [alert] = await analist.until("alert")
        assert alert["alert_id"] == "alert-pushed" and alert["zaak_id"] == "Z-live-1"
        assert alert["type"] == "alert.termijn-overschreden"
        await asyncio.sleep(0.8)  # a heartbeat later: still one alert, none for publiek
        assert len(analist.named("alert")) == 1
        assert publiek.named("alert") == []
        assert ("", "hartslag") in publiek.events, "a quiet stream gets heartbeats"


async def test_past_the_bound_a_stream_gets_503_and_a_closed_one_frees_its_place(
    service: tuple[str, str],
) -> None:
    base, _ = service
    async with stream(base, BELEID) as first, stream(base) as second, stream(base) as third:
        for opened in (first, second, third):
            await opened.until("verbonden")
        async with httpx.AsyncClient() as http:
            refused = await http.get(f"{base}/api/v1/live", headers={"X-API-Key": BELEID})
            # open streams do not count as requests in flight (load shedding at 2)
            ordinary = await http.get(f"{base}/api/v1/wijken")
        assert ordinary.status_code == 200, ordinary.text
        assert refused.status_code == 503
        assert refused.headers["Retry-After"] == "5"
        assert refused.json()["type"].endswith("live-full")
    for _ in range(100):  # the server notices the closed connections
        async with stream(base) as again:
            if again.answer.status_code == 200:
                await again.until("verbonden")
                break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("the closed streams' places were not freed")
    async with httpx.AsyncClient() as http:
        unknown = await http.get(
            f"{base}/api/v1/live", headers={"X-API-Key": "not-a-key-0123456789"}
        )
    assert unknown.status_code == 401
