"""python -m benchmarks.reporting_load: KPI reads at a fixed rate against a reporting API.

Open loop, as readers arrive: every 1/rate seconds a request starts whether or not the earlier
ones have answered, for ``--seconds``; the KPIs and filters rotate over the five KPIs with no
filter, a wet and a wijk. Then the series endpoint (``GET /api/v1/kpi/{kpi}/reeks``, 24 months)
at ``--series-rate`` for ``--series-seconds``. Before the timed runs each query is read
``--warm`` times, so the first computation of each table (seconds on 24 months) is not in
them; its slowest read is printed apart. Prints the achieved rate, latency p50/p95/p99/max
of the answers and the answers per status (200, 503 shed or unavailable, others, transport
errors), and the machine's load average before and after.

The load generator is a small HTTP/1.1 keep-alive client on asyncio streams, in
``--processes`` processes: httpx took a whole core at 200 requests/s on this 2-core machine
and became the bottleneck (docs/performance.md).

    python -m benchmarks.reporting_load --url http://127.0.0.1:8001 --rate 500 --seconds 30
    python -m benchmarks.reporting_load --start-demo 24 --rate 500 --seconds 30

``--start-demo N`` starts its own reporting API over N months of the demo's figures
(benchmarks/reporting_system.py) and removes it afterwards; otherwise run it against a running
system with the demo loaded (``make run``).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import time
import urllib.request
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from typing import Any
from urllib.parse import urlencode, urlsplit

KPIS = ["doorlooptijd", "wachttijd", "sth-opgepakt", "sth-zonder-verwijzing",
        "bereik-ondersteuning"]  # fmt: skip
FILTERS: list[dict[str, str]] = [{}, {"wet": "wmo"}, {"wijk": "Binnenstad"}]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")


class Connections:
    """Keep-alive HTTP/1.1 connections to one host: GET, read the status and the body."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        parts = urlsplit(url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self._head = f"Host: {self._host}:{self._port}\r\nAccept: application/json\r\n{extra}"
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def get(self, target: str) -> int:
        if self._idle:  # a kept connection the server may have closed meanwhile: once more
            try:  # on a new one (uvicorn closes connections idle for 5 s)
                return await self._get(target, *self._idle.pop())
            except (OSError, asyncio.IncompleteReadError):
                pass
        return await self._get(target, *await asyncio.open_connection(self._host, self._port))

    async def _get(
        self, target: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> int:
        try:
            writer.write(f"GET {target} HTTP/1.1\r\n{self._head}\r\n".encode())
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            status = int(head[0].split(" ", 2)[1])
            fields = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:])}
            await reader.readexactly(int(fields.get("content-length", "0")))
        except BaseException:
            writer.close()
            raise
        if fields.get("connection", "").lower() == "close":
            writer.close()
        else:
            self._idle.append((reader, writer))
        return status

    def close(self) -> None:
        for _, writer in self._idle:
            writer.close()


def targets(series: bool) -> itertools.cycle[str]:
    path = "/api/v1/kpi/{}/reeks" if series else "/api/v1/kpi/{}"
    return itertools.cycle(
        path.format(kpi) + (f"?{urlencode(params)}" if params else "")
        for kpi, params in itertools.product(KPIS, FILTERS)
    )


async def _run(url: str, rate: float, seconds: float, key: str | None, series: bool,
               offset: int) -> dict[str, Any]:  # fmt: skip
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    pool = Connections(url, {"X-API-Key": key} if key else {})
    queries = targets(series)
    for _ in range(offset):
        next(queries)

    async def one(target: str) -> None:
        start = time.perf_counter()
        try:
            status = await pool.get(target)
            statuses[str(status)] += 1
            if status == 200:
                latencies.append(time.perf_counter() - start)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            statuses[type(exc).__name__] += 1

    started, tasks, n = time.perf_counter(), [], 0
    while (now := time.perf_counter()) - started < seconds:
        due = started + n / rate
        if due > now:
            await asyncio.sleep(due - now)
        tasks.append(asyncio.create_task(one(next(queries))))
        n += 1
    await asyncio.gather(*tasks)
    pool.close()
    return {"n": n, "elapsed": time.perf_counter() - started, "latencies": latencies,
            "statuses": dict(statuses)}  # fmt: skip


def _in_process(args: tuple[str, float, float, str | None, bool, int]) -> dict[str, Any]:
    return asyncio.run(_run(*args))


def run(url: str, rate: float, seconds: float, key: str | None, *, processes: int = 1,
        series: bool = False) -> dict[str, object]:  # fmt: skip
    """``processes`` processes, each at rate/processes, starting at other queries."""
    load_before = os.getloadavg()
    jobs = [(url, rate / processes, seconds, key, series, i * 7) for i in range(processes)]
    with ProcessPoolExecutor(processes) as pool:
        parts = list(pool.map(_in_process, jobs))
    ms = [v * 1000 for part in parts for v in part["latencies"]]
    statuses: Counter[str] = Counter()
    for part in parts:
        statuses.update(part["statuses"])
    n = sum(int(part["n"]) for part in parts)
    elapsed = max(float(part["elapsed"]) for part in parts)
    return {
        "what": "series (24 months)" if series else "KPI reads",
        "requests": n, "seconds": round(elapsed, 1), "achieved_rate": round(n / elapsed, 1),
        "p50_ms": round(percentile(ms, 0.50), 1), "p95_ms": round(percentile(ms, 0.95), 1),
        "p99_ms": round(percentile(ms, 0.99), 1), "max_ms": round(max(ms, default=0), 1),
        "statuses": dict(statuses), "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
    }  # fmt: skip


def warm(url: str, key: str | None, passes: int) -> dict[str, object]:
    """Each KPI and series query read ``passes`` times one after another, each on a new
    connection (which process accepts one is up to the kernel: with 2 processes and 10
    passes a query misses one with probability 1/1024): the first computation of each table
    is then outside the timed run (one cold table read blocks its process for 0.5-2 s on 24
    months, and the requests queued behind it are shed). Returns the slowest and the total."""
    headers = {"X-API-Key": key} if key else {}
    times: list[float] = []
    started = time.perf_counter()
    for _ in range(passes):
        for target in itertools.islice(targets(False), len(KPIS) * len(FILTERS)):
            for path in (target, target.replace("?", "/reeks?") if "?" in target
                         else target + "/reeks"):  # fmt: skip
                t = time.perf_counter()
                request = urllib.request.Request(url + path, headers=headers)  # noqa: S310
                with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310
                    answer.read()  # (our own http:// URL)
                times.append(time.perf_counter() - t)
    return {"what": "warm-up (each query, new connections)", "requests": len(times),
            "seconds": round(time.perf_counter() - started, 1),
            "max_ms": round(max(times) * 1000, 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reporting_load",
                                     description=__doc__.split("\n\n")[0])  # fmt: skip
    parser.add_argument("--url", default="http://127.0.0.1:8001", help="reporting API")
    parser.add_argument("--rate", type=float, default=500, help="requests per second")
    parser.add_argument("--seconds", type=float, default=30, help="duration")
    parser.add_argument("--series-rate", type=float, default=20, help="series requests/s")
    parser.add_argument("--series-seconds", type=float, default=10, help="0: no series")
    parser.add_argument("--key", help="X-API-Key (default: none, the publiek role)")
    parser.add_argument("--processes", type=int, default=2, help="load generator processes")
    parser.add_argument("--warm", type=int, default=10, metavar="PASSES",
                        help="read each query this many times before the timed run (0: none, "
                        "the first computations fall in it)")  # fmt: skip
    parser.add_argument(
        "--start-demo",
        type=int,
        metavar="MONTHS",
        help="start a reporting API over this many months of the demo",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="demo volume (with --start-demo)")
    parser.add_argument("--workers", type=int, default=1,
                        help="server processes (with --start-demo)")  # fmt: skip
    args = parser.parse_args()

    def measure(url: str) -> list[dict[str, object]]:
        out = [warm(url, args.key, args.warm)] if args.warm else []
        out.append(run(url, args.rate, args.seconds, args.key, processes=args.processes))
        if args.series_seconds > 0:
            out.append(run(url, args.series_rate, args.series_seconds, args.key, series=True))
        return out

    if args.start_demo:
        from benchmarks.reporting_system import reporting_on_demo

        with reporting_on_demo(args.start_demo, args.scale, args.workers) as url:
            results = measure(url)
    else:
        results = measure(args.url)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
