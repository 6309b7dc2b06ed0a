"""A reporting API to benchmark, started here: the demo's figures written into Redis by the KPI
worker's own sink under a fresh prefix, and ``python -m services.reporting`` on a free port.

The read path does not care how the cells got into Redis, so the Kafka leg (intake, topics,
worker) is left out: the same cells as the worker writes for the same events, in a fraction
of the time, without other work on the shared machine's cores during the run. Everything is
removed afterwards (the process, every key under the prefix).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
import redis.asyncio as aioredis

from benchmarks.common import ROOT, log
from demo import DemoOptions, DemoStream
from demo.timing import add_months
from services.kpi.zaken.facts import zaak_fact
from services.kpi.zaken.figures_sink import FigureSink
from services.kpi.zaken.termijnen_sink import TermijnSink
from shared.contract.alert_keys import AlertKeys
from shared.contract.events import accept_at_edge
from shared.contract.figure_keys import FigureKeys
from shared.core.domain import AtwCalendar, ZaakHistory
from shared.core.kpi.contribution import zaak_contribution
from shared.core.local_time import amsterdam_today
from shared.core.pseudonym import Pseudonymiser
from shared.platform.settings import PseudonymSettings, RedisSettings, get_domain_config


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_demo_figures(
    redis_url: str, prefix: str, months: int, scale: float, *, termijnen: bool = False
) -> int:
    """The figures of ``python -m demo --months <months>`` (seed 7, up to today) under
    ``prefix``, as the worker's sink writes them (``termijnen``: also each zaak's clock
    facts, as its termijnen sink does, for open over termijn); returns the number of events."""
    domain = get_domain_config()
    today = amsterdam_today()
    start = add_months(today.replace(day=1), -(months - 1))
    options = DemoOptions(start=start, months=months, seed=7, today=today, scale=scale)
    keys = PseudonymSettings()
    pseudonymiser = Pseudonymiser(keys.key, keys.key_version)
    histories: dict[str, ZaakHistory] = defaultdict(ZaakHistory)
    events = 0
    for raw in DemoStream(options, domain):
        events += 1
        found = zaak_fact(accept_at_edge(raw, domain, pseudonymiser))
        if found:
            histories[found[0]] = histories[found[0]].add(found[1])
    calendar = AtwCalendar(domain.gelijkgestelde_dagen)

    async def write() -> None:
        async with aioredis.Redis.from_url(redis_url, decode_responses=True) as r:
            sink = FigureSink(r, FigureKeys(prefix))
            clocks = TermijnSink(r, AlertKeys(prefix), domain) if termijnen else None
            for zaak_id, history in histories.items():
                contribution = zaak_contribution(history, domain, calendar, zaak_id=zaak_id)
                await sink.replace(zaak_id, contribution)
                if clocks is not None:
                    await clocks.replace(zaak_id, history)

    asyncio.run(write())
    return events


@contextmanager
def reporting_on_demo(
    months: int,
    scale: float,
    workers: int,
    *,
    termijnen: bool = False,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Yield the URL of a reporting API over the demo's figures (``termijnen``: and the
    clock facts, so open over termijn has cells; ``env``: more settings for the API, such as
    its API keys); clean up afterwards."""
    redis_url = RedisSettings().url
    prefix = f"bench-reporting-{os.urandom(4).hex()}-"
    started = time.monotonic()
    events = write_demo_figures(redis_url, prefix, months, scale, termijnen=termijnen)
    with redis.Redis.from_url(redis_url) as r:
        cells = r.scard(FigureKeys(prefix).cells_index)
    log(f"demo {months} months x{scale:g}: {events} events, {cells} cells in "
        f"{time.monotonic() - started:.0f} s")  # fmt: skip
    port = _free_port()
    env = {
        **os.environ,
        "WIJKPULS_KAFKA_TOPIC_PREFIX": prefix,
        "WIJKPULS_REPORTING_VIEW_MARKERS_REQUIRED": "false",  # no workers wrote view markers
        **(env or {}),
    }
    out = Path(ROOT / "var" / "log")
    out.mkdir(parents=True, exist_ok=True)
    with (out / "bench-reporting.log").open("ab") as logfile:
        proc = subprocess.Popen(  # noqa: S603 - our own service, our own arguments
            [sys.executable, "-m", "services.reporting", "--port", str(port),
             "--workers", str(workers)],
            env=env, cwd=ROOT, stdout=logfile, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=1):  # noqa: S310 - http://127.0.0.1
                    break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        with redis.Redis.from_url(redis_url) as r:
            found = list(r.scan_iter(match=f"{prefix}*", count=10_000))
            for i in range(0, len(found), 1000):
                r.unlink(*found[i : i + 1000])
