"""python -m benchmarks.reporting_load: KPI reads at a fixed rate against a running reporting API.

Open loop, as readers arrive: every 1/rate seconds a request starts whether or not the earlier
ones have answered, for ``--seconds``; the KPIs and filters rotate over the five KPIs with no
filter, a wet and a wijk. Prints the achieved rate, latency p50/p95/p99/max of the answers,
and the answers per status (200, 503 shed or unavailable, others, transport errors). Run it
on a running system with the demo loaded (``make run``) and write the figures into
docs/performance.md with the machine's load average.

    python -m benchmarks.reporting_load --url http://127.0.0.1:8001 --rate 500 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import time
from collections import Counter

import httpx

KPIS = ["doorlooptijd", "wachttijd", "sth-opgepakt", "sth-zonder-verwijzing",
        "bereik-ondersteuning"]  # fmt: skip
FILTERS: list[dict[str, str]] = [{}, {"wet": "wmo"}, {"wijk": "Binnenstad"}]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")


async def run(url: str, rate: float, seconds: float, key: str | None) -> dict[str, object]:
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    headers = {"X-API-Key": key} if key else {}
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=200)
    queries = itertools.cycle(itertools.product(KPIS, FILTERS))
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as http:

        async def one(kpi: str, params: dict[str, str]) -> None:
            start = time.perf_counter()
            try:
                answer = await http.get(f"/api/v1/kpi/{kpi}", params=params, headers=headers)
                statuses[str(answer.status_code)] += 1
                if answer.status_code == 200:
                    latencies.append(time.perf_counter() - start)
            except httpx.HTTPError as exc:
                statuses[type(exc).__name__] += 1

        started, tasks, n = time.perf_counter(), [], 0
        while (now := time.perf_counter()) - started < seconds:
            due = started + n / rate
            if due > now:
                await asyncio.sleep(due - now)
            kpi, params = next(queries)
            tasks.append(asyncio.create_task(one(kpi, params)))
            n += 1
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    ms = [v * 1000 for v in latencies]
    return {
        "requests": n, "seconds": round(elapsed, 1), "achieved_rate": round(n / elapsed, 1),
        "p50_ms": round(percentile(ms, 0.50), 1), "p95_ms": round(percentile(ms, 0.95), 1),
        "p99_ms": round(percentile(ms, 0.99), 1), "max_ms": round(max(ms, default=0), 1),
        "statuses": dict(statuses), "load_average": os.getloadavg(),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reporting_load",
                                     description=__doc__.split("\n\n")[0])  # fmt: skip
    parser.add_argument("--url", default="http://127.0.0.1:8001", help="reporting API")
    parser.add_argument("--rate", type=float, default=500, help="requests per second")
    parser.add_argument("--seconds", type=float, default=30, help="duration")
    parser.add_argument("--key", help="X-API-Key (default: none, the publiek role)")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.url, args.rate, args.seconds, args.key)), indent=2))


if __name__ == "__main__":
    main()
