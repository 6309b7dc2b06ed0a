"""python -m benchmarks.intake_rate: batches of demo events through one intake, acked by Kafka.

1. N events of the Helmond demo stream (``demo``: intake form, with ``wijk``, ``postcode`` or
   a ``client`` block that the edge pseudonymises; ``--client-share`` adds client blocks to
   more zaak.aangemeld events). Retries are switched off in the generator, so every event is
   new and must come back ``accepted``. The batches are encoded before the clock starts.
2. One intake process (``python -m services.intake`` on a free port, uvicorn, as
   deploy/local/services.sh starts it) with a topic prefix of its own (its topics are created
   with the project's specs and deleted afterwards, as are its Redis keys) and a benchmark
   client whose rate limit cannot refuse the run (the limiter still runs on every request).
3. A few warm-up batches (other events, not counted), then every batch of ``--batch`` events
   is posted as ``application/cloudevents-batch+json`` from ``--concurrency`` client tasks
   (httpx.AsyncClient). The intake answers only after Kafka acknowledged each event.

Prints events/s (wall, first post to last answer), events per CPU-second of the intake
(utime + stime from /proc/<pid>/stat over the same span: a busy shared host disturbs it far
less than the wall rate), the batch latency (p50, p99) and the accepted / duplicate /
rejected counts, which must be all accepted.

``--root DIR`` (repeatable) runs the intake from another source tree (a ``git archive`` copy)
on the *same* generated events, each in its own prefix; with ``--rounds`` the roots are
interleaved (A, B, A, B): before/after of one change in one run.

``--profile FILE`` samples the intake with pyinstrument (wall clock; read it with
``python -m benchmarks.profile_top FILE``), ``--cpu-profile FILE`` runs cProfile with a CPU
clock (``python -m pstats FILE``). Either covers only the measured batches: the profiler is
started and stopped by signals around them. Profiled runs are slower; read the shares.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import redis.asyncio as aioredis

from benchmarks.common import ROOT, cpu_seconds, kafka_settings, log
from demo import DemoOptions, DemoStream
from demo.delivery import Quirks
from demo.population import client_block
from shared.contract.events import TYPE_PREFIX
from shared.platform.api_keys import hash_key, new_key
from shared.platform.kafka_admin import delete_topics_with_prefix, ensure_topics
from shared.platform.settings import RedisSettings, get_domain_config

BATCH_CONTENT_TYPE = "application/cloudevents-batch+json"
AANGEMELD = TYPE_PREFIX + "zaak.aangemeld"

# Runs the intake as ``python -m services.intake`` does, with a profiler that SIGUSR1 starts
# and SIGUSR2 stops and writes (atexit too). Passed with ``-c`` so it works from any --root.
PROFILED_SERVER = """
import atexit, signal, sys, time
kind, out, port = sys.argv[1:4]
state = {"on": False}
if kind == "pyinstrument":
    from pyinstrument import Profiler
    profiler = Profiler(interval=0.001, async_mode="disabled")
    def start():
        profiler.start()
    def write():
        profiler.stop().save(out)
else:
    import cProfile
    profiler = cProfile.Profile(time.process_time)
    def start():
        profiler.enable()
    def write():
        profiler.disable()
        profiler.dump_stats(out)
def on(*_):
    if not state["on"]:
        state["on"] = True
        start()
def off(*_):
    if state["on"]:
        state["on"] = False
        write()
signal.signal(signal.SIGUSR1, on)
signal.signal(signal.SIGUSR2, off)
atexit.register(off)
sys.argv = ["python -m services.intake", "--port", port]
from services.intake.__main__ import main
main()
"""


# ---------------------------------------------------------------------------- the events


def demo_events(args: argparse.Namespace, count: int) -> list[dict[str, Any]]:
    """``count`` intake-form demo events, none a retry of another (all must be accepted)."""
    quirks = Quirks(duplicate_rate=0.0, out_of_order_rate=0.05, correction_rate=0.015)
    options = DemoOptions(args.start, args.months, args.seed, args.today, args.scale, quirks)
    rng = random.Random(args.seed + 1)  # noqa: S311 - reproducible benchmark data
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for event in DemoStream(options, get_domain_config()):
        if event["id"] in seen:
            continue
        seen.add(event["id"])
        data = event["data"]
        if (
            event["type"] == AANGEMELD
            and "client" not in data
            and data.get("postcode")
            and rng.random() < args.client_share
        ):
            postcode = str(data.pop("postcode")).replace(" ", "")
            data["client"] = client_block(rng, postcode)
        found.append(event)
        if len(found) == count:
            return found
    raise SystemExit(f"the demo stream ended after {len(found):,} events; raise --scale/--months")


def batch_bodies(events: list[dict[str, Any]], size: int) -> list[tuple[int, bytes]]:
    return [
        (len(events[i : i + size]), json.dumps(events[i : i + size]).encode())
        for i in range(0, len(events), size)
    ]


def describe(events: list[dict[str, Any]]) -> str:
    types = Counter(e["type"].removeprefix(TYPE_PREFIX) for e in events)
    clients = sum("client" in e["data"] for e in events)
    mix = ", ".join(f"{t} {n:,}" for t, n in types.most_common(4))
    return f"{len(events):,} events ({mix}, ...); {clients:,} with a client block"


# ---------------------------------------------------------------------------- the intake


@dataclass
class Intake:
    root: Path
    prefix: str
    port: int
    log_path: Path
    key: str = field(default_factory=new_key)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self, args: argparse.Namespace) -> dict[str, str]:
        client = {
            "name": "benchmark",
            "key_sha256": hash_key(self.key),
            "sources": ["urn:nld:oin:*"],
            "types": ["zaak.*", "zorg.*"],
            "rate_per_s": 10_000_000,
            "burst": max(10_000, args.batch),
        }
        kafka = kafka_settings(self.prefix, args.bootstrap)
        return {
            **os.environ,
            "WIJKPULS_KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
            "WIJKPULS_KAFKA_TOPIC_PREFIX": self.prefix,
            "WIJKPULS_REDIS_URL": args.redis or RedisSettings().url,
            "WIJKPULS_INTAKE_CLIENTS": json.dumps([client]),
            "WIJKPULS_INTAKE_MAX_BATCH_SIZE": str(max(1000, args.batch)),
        }

    def start(self, args: argparse.Namespace) -> None:
        python = [sys.executable]
        if args.profile or args.cpu_profile:
            kind, out = (
                ("pyinstrument", args.profile) if args.profile else ("cprofile", args.cpu_profile)
            )
            command = [
                *python,
                "-c",
                PROFILED_SERVER,
                kind,
                str(Path(out).resolve()),
                str(self.port),
            ]
        else:
            command = [*python, "-m", "services.intake", "--port", str(self.port)]
        with self.log_path.open("ab") as out_file:
            self.proc = subprocess.Popen(  # noqa: S603 - our own service, our own arguments
                command,
                env=self.env(args),
                cwd=self.root,
                stdout=out_file,
                stderr=subprocess.STDOUT,
            )

    async def wait_ready(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        async with httpx.AsyncClient(timeout=2) as http:
            while True:
                if self.proc is None or self.proc.poll() is not None:
                    raise RuntimeError(f"the intake exited early, see {self.log_path}")
                try:
                    if (await http.get(self.url + "/ready")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the intake was not ready in {timeout_s} s")
                await asyncio.sleep(0.2)

    def signal(self, sig: signal.Signals) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------------------- one run


@dataclass
class Posted:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)


async def post_all(
    http: httpx.AsyncClient, bodies: list[tuple[int, bytes]], concurrency: int
) -> Posted:
    posted = Posted()
    queue = iter(bodies)

    async def sender() -> None:
        for count, body in queue:  # shared iterator: each batch is taken by one task
            began = time.perf_counter()
            answer = await http.post("/api/v1/events", content=body)
            posted.latencies_ms.append((time.perf_counter() - began) * 1000)
            posted.statuses[answer.status_code] += 1
            reply = answer.json()
            if isinstance(reply, dict) and "accepted" in reply:
                for outcome in ("accepted", "duplicate", "rejected"):
                    posted.outcomes[outcome] += int(reply.get(outcome, 0))
            else:
                posted.outcomes["rejected"] += count  # a problem without per-event counts

    await asyncio.gather(*(sender() for _ in range(concurrency)))
    return posted


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


async def run_once(
    args: argparse.Namespace,
    root: Path,
    label: str,
    warmup: list[tuple[int, bytes]],
    bodies: list[tuple[int, bytes]],
) -> dict[str, Any]:
    prefix = f"{args.prefix_base}{uuid.uuid4().hex[:8]}."
    kafka = kafka_settings(prefix, args.bootstrap)
    ensure_topics(kafka, get_domain_config())
    log_path = Path(args.log)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    intake = Intake(root, prefix, free_port(), log_path)
    log(f"[{label}] starting the intake from {root} on port {intake.port}, prefix {prefix}")
    intake.start(args)
    result: dict[str, Any] = {"label": label, "root": str(root), "prefix": prefix}
    try:
        await intake.wait_ready()
        headers = {"Authorization": f"Bearer {intake.key}", "Content-Type": BATCH_CONTENT_TYPE}
        limits = httpx.Limits(max_connections=args.concurrency)
        async with httpx.AsyncClient(
            base_url=intake.url, headers=headers, timeout=120, limits=limits
        ) as http:
            warm = await post_all(http, warmup, 1)
            if warm.outcomes["accepted"] != sum(n for n, _ in warmup):
                raise RuntimeError(f"warm-up not all accepted: {dict(warm.outcomes)}")
            assert intake.proc is not None
            if args.profile or args.cpu_profile:
                intake.signal(signal.SIGUSR1)
                await asyncio.sleep(0.3)
            cpu_before = cpu_seconds(intake.proc.pid)
            client_cpu_before = time.process_time()
            load_before = os.getloadavg()[0]
            began = time.perf_counter()
            posted = await post_all(http, bodies, args.concurrency)
            took = time.perf_counter() - began
            cpu = cpu_seconds(intake.proc.pid) - cpu_before
            client_cpu = time.process_time() - client_cpu_before
            if args.profile or args.cpu_profile:
                intake.signal(signal.SIGUSR2)
        events = sum(n for n, _ in bodies)
        result.update(
            events=events,
            batches=len(bodies),
            batch=args.batch,
            concurrency=args.concurrency,
            wall_s=round(took, 3),
            events_per_s=round(events / took),
            intake_cpu_s=round(cpu, 3),
            events_per_cpu_s=round(events / cpu) if cpu else None,
            client_cpu_s=round(client_cpu, 3),
            p50_ms=round(percentile(posted.latencies_ms, 0.50), 1),
            p99_ms=round(percentile(posted.latencies_ms, 0.99), 1),
            max_ms=round(max(posted.latencies_ms), 1),
            statuses={str(k): v for k, v in sorted(posted.statuses.items())},
            accepted=posted.outcomes["accepted"],
            duplicate=posted.outcomes["duplicate"],
            rejected=posted.outcomes["rejected"],
            all_accepted=posted.outcomes["accepted"] == events,
            load_average=[round(load_before, 2), round(os.getloadavg()[0], 2)],
        )
    finally:
        intake.stop()
        if not args.keep:
            await clean_up(args, prefix)
    return result


async def clean_up(args: argparse.Namespace, prefix: str) -> None:
    client = aioredis.Redis.from_url(args.redis or RedisSettings().url)
    try:
        batch: list[Any] = []
        async for key in client.scan_iter(match=f"{prefix}*", count=10_000):  # the run's own
            batch.append(key)
            if len(batch) >= 10_000:
                await client.unlink(*batch)
                batch.clear()
        if batch:
            await client.unlink(*batch)
    finally:
        await client.aclose()
    delete_topics_with_prefix(kafka_settings(prefix, args.bootstrap), prefix)


def show(result: dict[str, Any]) -> None:
    print(
        f"[{result['label']}] {result['events']:,} events in {result['batches']} batches of "
        f"{result['batch']} ({result['concurrency']} client task(s)): "
        f"{result['events_per_s']:,} events/s wall ({result['wall_s']} s), "
        f"{result['events_per_cpu_s']:,} events per CPU-second of the intake "
        f"({result['intake_cpu_s']} CPU-s; this client {result['client_cpu_s']} CPU-s); "
        f"batch latency p50 {result['p50_ms']} ms, "
        f"p99 {result['p99_ms']} ms; accepted {result['accepted']:,}, duplicate "
        f"{result['duplicate']:,}, rejected {result['rejected']:,}; HTTP {result['statuses']}; "
        f"load average {result['load_average'][0]} -> {result['load_average'][1]}",
        flush=True,
    )


async def measure(args: argparse.Namespace, roots: list[Path]) -> list[dict[str, Any]]:
    warmup_events = args.warmup * args.batch
    log(f"generating {args.events + warmup_events:,} demo events (scale {args.scale})")
    events = demo_events(args, args.events + warmup_events)
    warmup = batch_bodies(events[:warmup_events], args.batch)
    bodies = batch_bodies(events[warmup_events:], args.batch)
    log(f"measured: {describe(events[warmup_events:])}")
    results = []
    for round_no in range(args.rounds):
        for n, root in enumerate(roots):
            label = f"{chr(ord('A') + n)}{round_no + 1}" if len(roots) > 1 else f"{round_no + 1}"
            result = await run_once(args, root, label, warmup, bodies)
            show(result)
            results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.intake_rate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("--events", type=int, default=20_000, help="events measured (default %(default)s)")
    add("--batch", type=int, default=500, help="events per batch (default %(default)s)")
    add("--concurrency", type=int, default=1, help="client tasks posting at once (default 1)")
    add("--warmup", type=int, default=4, help="warm-up batches, not counted (default 4)")
    add("--client-share", type=float, default=0.0,
        help="share of the zaak.aangemeld events with a bare postcode that get a client block "
        "(BSN, address) on top of the demo's own (default 0: the demo mix)")  # fmt: skip
    add("--scale", type=float, default=40.0, help="demo volume factor (default 40)")
    add("--months", type=int, default=12, help="demo months (default 12)")
    add("--start", type=date.fromisoformat, default=date(2025, 11, 1), metavar="YYYY-MM-DD",
        help="first day of the demo (default 2025-11-01)")  # fmt: skip
    add("--today", type=date.fromisoformat, default=date.today() - timedelta(days=1),
        metavar="YYYY-MM-DD", help="demo 'today' (default: yesterday)")  # fmt: skip
    add("--seed", type=int, default=7)
    add("--root", action="append", metavar="DIR",
        help="source tree to run the intake from (repeatable: each runs the same events; "
        "default: this tree)")  # fmt: skip
    add("--rounds", type=int, default=1, help="repeat the roots, interleaved (default 1)")
    add("--profile", metavar="FILE",
        help="sample the intake with pyinstrument while the batches are measured "
        "(a .pyisession)")  # fmt: skip
    add("--cpu-profile", metavar="FILE",
        help="cProfile (CPU clock) of the intake while the batches are measured "
        "(a pstats file)")  # fmt: skip
    add("--prefix-base", default="bench-intake-", help="topic prefix stem (a random part follows)")
    add("--log", default="var/bench-intake.log", help="intake output (default %(default)s)")
    add("--json", metavar="FILE", help="also write the figures as JSON here")
    add("--keep", action="store_true", help="keep the run's topics and Redis keys")
    add("--bootstrap", default=None, help="Kafka bootstrap (default: WIJKPULS_KAFKA_*)")
    add("--redis", default=None, help="Redis URL (default: WIJKPULS_REDIS_URL)")
    args = parser.parse_args(argv)
    if args.profile and args.cpu_profile:
        parser.error("--profile and --cpu-profile exclude each other")
    if (args.profile or args.cpu_profile) and (len(args.root or ()) > 1 or args.rounds > 1):
        parser.error("a profile is of one run: give at most one --root and --rounds 1")
    roots = [Path(r).resolve() for r in (args.root or [str(ROOT)])]
    results = asyncio.run(measure(args, roots))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=1))
    if len(results) > 1:
        print("summary (events/s wall | events per CPU-s | p50 ms | p99 ms):")
        for r in results:
            print(f"  {r['label']:>4} {r['events_per_s']:>8,} | {r['events_per_cpu_s']:>8,} | "
                  f"{r['p50_ms']:>7} | {r['p99_ms']:>7}  {r['root']}")  # fmt: skip
    return 0 if all(r["all_accepted"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
