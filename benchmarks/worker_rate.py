"""python -m benchmarks.worker_rate: raw consume rate, then one KPI worker to lag 0.

1. The raw aiokafka rate of the topic (benchmarks.raw_rate), in the same run.
2. The Redis keys of the prefix are removed (a previous run's contributions would make every
   replace a no-op), then ``python -m services.kpi worker`` starts with a consumer group of
   its own (``WIJKPULS_KPI_APP_ID``) and an empty data dir.
3. Start of consumption: the first Redis key written for the first zaak of any partition
   (polled every 20 ms). End: the group's committed offsets equal the end offsets (polled
   every 0.25 s; faust commits every 2.8 s, so the end is late by at most that).
4. The worker's RSS (/proc VmRSS) is sampled every 0.5 s; its peak (VmHWM) is kept. Its CPU
   time (utime + stime) from start to lag 0 gives events per CPU-second, which a busy shared
   host disturbs far less than the wall-clock rate.

Prints the four figures of issue 6: the worker's events/s beside the raw rate, their ratio,
the national year (``NATIONAL_YEAR`` events) extrapolated from the measured rates, and the
RSS (for the 1M open zaken figure, run it on a ``--kind open`` topic of 1,000,000 events).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
from aiokafka import AIOKafkaConsumer, TopicPartition
from redis.typing import ZSetRangeResponse

from benchmarks.common import (
    ROOT,
    GroupOffsets,
    cpu_seconds,
    end_offsets,
    events_topic,
    kafka_settings,
    log,
    rss_kib,
    worker_env,
)
from benchmarks.raw_rate import raw_rate
from shared.contract.alert_keys import AlertKeys
from shared.platform.settings import KafkaSettings, RedisSettings

IDLE_CPU_S = 0.25
"""CPU-s the workers may spend in ``--idle`` s and still count as idle (an idle worker on
``h14.`` spends 0.05-0.08 CPU-s per 2 s on its timers)."""
IDLE_WAIT_S = 180.0
"""How long after lag 0 the benchmark waits for the workers to become idle."""

NATIONAL_YEAR = 3_000_000
"""Case events of a national-scale synthetic year (issue 6: >= 3 million)."""


async def first_zaken(kafka: KafkaSettings, tps: list[TopicPartition]) -> list[str]:
    """The zaak id (record key) of the first record of each partition."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka.bootstrap_servers, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        found: dict[TopicPartition, str] = {}
        while len(found) < len([tp for tp in tps]):
            batches = await consumer.getmany(timeout_ms=1000, max_records=len(tps) * 10)
            for tp, records in batches.items():
                if records and tp not in found:
                    found[tp] = records[0].key.decode()
                    consumer.pause(tp)
        return list(found.values())
    finally:
        await consumer.stop()


async def clear_redis(client: aioredis.Redis, prefix: str) -> int:
    removed, batch = 0, []
    async for key in client.scan_iter(match=f"{prefix}wp:*", count=10_000):
        batch.append(key)
        if len(batch) >= 10_000:
            removed += await client.unlink(*batch)
            batch.clear()
    if batch:
        removed += await client.unlink(*batch)
    return removed


def _bytes(reply: bytes | str | None) -> bytes:
    """A reply of the client, which has no ``decode_responses``: always bytes."""
    if not isinstance(reply, bytes):
        raise TypeError(f"expected a bytes reply from Redis, got {type(reply).__name__}")
    return reply


def _scored(members: ZSetRangeResponse) -> list[tuple[bytes, float]]:
    """The (member, score) pairs of a ``zrange(..., withscores=True)`` reply."""
    pairs = []
    for entry in members:
        if isinstance(entry, bytes | str):
            raise TypeError("expected (member, score) pairs: zrange withscores=True")
        member, score = entry
        pairs.append((_bytes(member), score))
    return pairs


async def dump_redis(client: aioredis.Redis, prefix: str, path: Path) -> int:
    """Every key of the prefix with its value, sorted: two runs must give the same file.

    A view marker (``wp:view:*``, shared/contract/view_keys.py) holds the id of the rebuild that
    set it, new in every run: it is dumped as present, not by its value. Keys are read in
    pipelined chunks (a national year has millions of keys)."""
    keys = [key async for key in client.scan_iter(match=f"{prefix}wp:*", count=10_000)]
    rows = []
    for n in range(0, len(keys), DUMP_CHUNK):
        chunk = keys[n : n + DUMP_CHUNK]
        pipe = client.pipeline(transaction=False)
        for key in chunk:
            pipe.type(key)
        kinds = [_bytes(kind).decode() for kind in await pipe.execute()]
        pipe = client.pipeline(transaction=False)
        for key, kind in zip(chunk, kinds, strict=True):
            _queue_read(pipe, key, kind)
        values = iter(await pipe.execute())
        for key, kind in zip(chunk, kinds, strict=True):
            name = key.decode()
            value = _dumped(kind, next(values) if kind in _READS else None)
            if name.startswith(f"{prefix}wp:view:"):
                value = "present"
            rows.append(json.dumps([name, value]))
    rows.sort()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n")  # noqa: ASYNC240 - once, after the measurement
    return len(rows)


DUMP_CHUNK = 2_000
_READS = ("string", "hash", "set", "zset")


def _queue_read(pipe: Any, key: bytes, kind: str) -> None:
    if kind == "string":
        pipe.get(key)
    elif kind == "hash":
        pipe.hgetall(key)
    elif kind == "set":
        pipe.smembers(key)
    elif kind == "zset":
        pipe.zrange(key, 0, -1, withscores=True)


def _dumped(kind: str, reply: Any) -> object:
    if kind == "string":
        return _bytes(reply).decode()
    if kind == "hash":
        return sorted((_bytes(k).decode(), _bytes(v).decode()) for k, v in reply.items())
    if kind == "set":
        return sorted(_bytes(m).decode() for m in reply)
    if kind == "zset":
        return sorted((m.decode(), score) for m, score in _scored(reply))
    return kind


async def measure(args: argparse.Namespace) -> dict[str, object]:
    kafka = kafka_settings(args.prefix, args.bootstrap)
    topic = events_topic(kafka)
    result: dict[str, object] = {"prefix": args.prefix, "store": args.store}
    if not args.skip_raw:
        count, took = await raw_rate(kafka)
        result["raw_events"], result["raw_s"] = count, round(took, 3)
        result["raw_rate"] = round(count / took)
        log(f"raw aiokafka consume: {count:,} events in {took:.2f} s = {count / took:,.0f}/s")
    ends = await end_offsets(kafka, topic)
    total = sum(ends.values())
    result["events"] = total
    firsts = await first_zaken(kafka, list(ends))
    # A dump reads whole keys at once (the open-until index of a national year holds millions
    # of members), and a worker's pipelines can keep Redis busy for seconds: not the
    # client's default 5 s read timeout.
    client = aioredis.Redis.from_url(args.redis or RedisSettings().url, socket_timeout=600)
    removed = await clear_redis(client, args.prefix)
    log(f"{total:,} events on {topic}; removed {removed:,} Redis keys of the prefix")

    app_id = f"bench-kpi-{uuid.uuid4().hex[:8]}"
    data_dirs: list[Path] = []
    procs: list[subprocess.Popen[bytes]] = []
    logfile = Path(args.log)
    for n in range(args.workers):
        data_dir = Path(tempfile.mkdtemp(prefix="wijkpuls-bench-"))
        data_dirs.append(data_dir)
        env = worker_env(kafka, data_dir, args.web_port + n, args.store)
        env["WIJKPULS_KPI_APP_ID"] = app_id
        python = args.python
        command = [python, "-m", "services.kpi", "worker", "-l", args.loglevel]
        if args.profile:
            command = [
                python, "-m", "pyinstrument", "-r", "session", "-o", args.profile,
                "-m", "services.kpi", "worker", "-l", args.loglevel,
            ]  # fmt: skip
        if args.cpu_profile:
            command = [
                python, "-m", "benchmarks.cpu_profile", args.cpu_profile,
                "-m", "services.kpi", "worker", "-l", args.loglevel,
            ]  # fmt: skip
        log(f"starting worker {n + 1}/{args.workers} (group {kafka.topic_prefix}{app_id}, "
            f"data {data_dir})")  # fmt: skip
        path = logfile if n == 0 else logfile.with_suffix(f".{n + 1}{logfile.suffix}")
        with path.open("wb") as out:
            procs.append(
                subprocess.Popen(  # noqa: S603, ASYNC220 - our own worker, our own arguments
                    command, env=env, cwd=args.root, stdout=out, stderr=subprocess.STDOUT
                )
            )
    launched = time.monotonic()

    def cpu_now() -> float:
        return sum(cpu_seconds(p.pid) for p in procs)

    def exited() -> bool:
        return any(p.poll() is not None for p in procs)

    keys = AlertKeys(args.prefix)
    samples: list[tuple[float, int, int, float]] = []  # (t, committed, rss KiB, CPU-s)
    started = None
    done_at = None
    try:
        while started is None:
            if exited():
                raise RuntimeError(f"worker exited early, see {logfile}")
            if any(await asyncio.gather(*(client.exists(keys.zaak(z)) for z in firsts))):
                started = time.monotonic()
                cpu_at_start = cpu_now()
            else:
                await asyncio.sleep(0.02)
        log(f"consumption started {started - launched:.1f} s after launch")
        async with GroupOffsets(kafka, f"{kafka.topic_prefix}{app_id}") as group:
            last_sample = 0.0
            last_report = time.monotonic()
            while done_at is None:
                if exited():
                    raise RuntimeError(f"worker exited early, see {logfile}")
                committed = await group.committed(ends)
                processed = sum(committed.values())
                now = time.monotonic()
                if processed >= total:
                    done_at = now
                if now - last_sample >= 0.5 or done_at:
                    last_sample = now
                    rss_now = sum(rss_kib(p.pid)[0] for p in procs)
                    cpu_spent = round(cpu_now() - cpu_at_start, 2)
                    samples.append((round(now - started, 2), processed, rss_now, cpu_spent))
                if now - last_report > 10:
                    last_report = now
                    rate = processed / (now - started)
                    log(f"worker: {processed:,}/{total:,} committed, {rate:,.0f}/s, "
                        f"RSS {samples[-1][2] / 1024:,.0f} MiB")  # fmt: skip
                if args.timeout and now - started > args.timeout:
                    log("timeout: stopping before lag 0")
                    break
                await asyncio.sleep(0.25)
        end = done_at or time.monotonic()
        processed = samples[-1][1] if samples else 0
        took = end - started
        rss, hwm = (sum(v) for v in zip(*(rss_kib(p.pid) for p in procs), strict=True))
        cpu = cpu_now() - cpu_at_start
        result.update(
            workers=args.workers,
            worker_cpu_s=round(cpu, 2),
            events_per_cpu_s=round(processed / cpu) if cpu else None,
            load_average=os.getloadavg()[0],
            worker_events=processed,
            worker_s=round(took, 2),
            worker_rate=round(processed / took),
            lag_zero=done_at is not None,
            rss_mib=round(rss / 1024),
            rss_peak_mib=round(hwm / 1024),
        )
        if "raw_rate" in result:
            result["ratio"] = round(result["worker_rate"] / result["raw_rate"], 4)  # type: ignore[operator]
        if processed:
            result["national_year_min_wall"] = round(NATIONAL_YEAR / (processed / took) / 60, 1)
        if cpu and processed:
            result["national_year_min_core"] = round(NATIONAL_YEAR * cpu / processed / 60, 1)
        result.update(growth(samples, processed, args.window))
        report(result, args)
        if args.idle and done_at is not None and not exited():
            cpu_idle = await until_idle(cpu_now, args.idle, exited)
            if cpu_idle is not None:
                spent = cpu_idle - cpu_at_start
                result.update(
                    worker_cpu_s_to_idle=round(spent, 2),
                    events_per_cpu_s_to_idle=round(processed / spent),
                )
                print(f"KPI worker CPU to lag 0 and idle (the alert clock's jump to today "
                      f"done): {spent:.2f} s = {result['events_per_cpu_s_to_idle']:,} events "
                      f"per CPU-second")  # fmt: skip
                sys.stdout.flush()
                write_json(result, args)
        if args.settle and not exited():
            log(f"lag 0; the worker runs {args.settle:g} s more (alert ticks) before it stops")
            await asyncio.sleep(args.settle)
        if args.stable and not exited():
            log(f"lag 0; waiting until the alert feed is unchanged for {args.stable:g} s")
            seen, since = -1, time.monotonic()
            while time.monotonic() - since < args.stable and not exited():
                size = await client.hlen(keys.alerts)
                if size != seen:
                    seen, since = size, time.monotonic()
                await asyncio.sleep(1)
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=120)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if not args.keep:
            for data_dir in data_dirs:
                shutil.rmtree(data_dir, ignore_errors=True)
        if args.dump and done_at is not None:
            await asyncio.sleep(1)
            count = await dump_redis(client, args.prefix, Path(args.dump))
            log(f"dumped {count:,} Redis keys of the prefix to {args.dump}")
        await client.aclose()
    result["rss_samples"] = samples[:: max(1, len(samples) // 40)]
    return result


def _at(samples: list[tuple[float, int, int, float]], events: int) -> tuple[float, float]:
    """(wall s, CPU-s) when ``events`` were committed, interpolated between the samples."""
    previous = (0.0, 0, 0, 0.0)
    for sample in samples:
        if sample[1] >= events:
            span = sample[1] - previous[1]
            f = (events - previous[1]) / span if span else 1.0
            return (
                previous[0] + f * (sample[0] - previous[0]),
                previous[3] + f * (sample[3] - previous[3]),
            )
        previous = sample
    return previous[0], previous[3]


def growth(
    samples: list[tuple[float, int, int, float]], processed: int, window: int
) -> dict[str, object]:
    """Events per CPU-second and per wall second over the first and the last ``window``
    events, and how much slower the last are (the cost growth of issue 14: goal <= 1.1).

    From the committed offsets, which faust moves every 2.8 s: each boundary is interpolated
    between the two samples around it.
    """
    if processed < 2 * window or not samples:
        return {}
    t1, c1 = _at(samples, window)
    t2, c2 = _at(samples, processed - window)
    t3, c3 = _at(samples, processed)
    first_cpu, last_cpu = window / c1 if c1 else 0, window / (c3 - c2) if c3 > c2 else 0
    return {
        "first_window_per_cpu_s": round(first_cpu),
        "last_window_per_cpu_s": round(last_cpu),
        "first_window_per_s": round(window / t1) if t1 else None,
        "last_window_per_s": round(window / (t3 - t2)) if t3 > t2 else None,
        "cost_growth": round(first_cpu / last_cpu, 2) if last_cpu else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.worker_rate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("--prefix", required=True, help="topic prefix used by benchmarks.load")
    add("--store", default="rocksdb://", help="faust table store (default rocksdb://)")
    add("--loglevel", default="warn", help="worker log level (default warn)")
    add("--log", default="var/bench-worker.log", help="worker output (default %(default)s)")
    add("--web-port", type=int, default=16066)
    add("--timeout", type=float, default=0, help="stop after this many s (0: run to lag 0)")
    add("--skip-raw", action="store_true", help="no raw aiokafka rate first")
    add("--profile", metavar="FILE",
        help="run the worker under pyinstrument; its session (.pyisession) goes here")  # fmt: skip
    add("--cpu-profile", metavar="FILE",
        help="run the worker under cProfile with a CPU clock; its stats go here")  # fmt: skip
    add("--settle", type=float, default=0,
        help="after lag 0 (and the figures), let the worker run this many s before it stops: "
        "the alerts that the clock's jump to today brings come after lag 0")  # fmt: skip
    add(
        "--workers",
        type=int,
        default=1,
        help="worker processes in the one consumer group (CPU and RSS are their sums)",
    )
    add(
        "--window",
        type=int,
        default=20_000,
        help="events of the first and last window for the cost growth (default 20,000)",
    )
    add("--stable", type=float, default=0,
        help="after lag 0 (and --settle), run on until the alert feed has not changed for "
        "this many s: for --dump, with WIJKPULS_KPI_ALERT_TICK_S=2 in the environment")  # fmt: skip
    add("--keep", action="store_true", help="keep the worker's data dir")
    add("--json", metavar="FILE", help="also write the figures as JSON here")
    add("--idle", type=float, default=3.0,
        help="after lag 0, also report the CPU until the workers have been idle this many s "
        "(0: not)")  # fmt: skip
    add("--dump", metavar="FILE", help="after lag 0, dump the prefix's Redis keys here (sorted)")
    add("--root", default=str(ROOT), help="source tree to run the worker from (default: this one)")
    add(
        "--python",
        default=sys.executable,
        help="the interpreter the worker runs on (another venv: compare installed packages)",
    )
    add("--bootstrap", default=None)
    add("--redis", default=None)
    args = parser.parse_args(argv)
    os.makedirs(Path(args.log).parent, exist_ok=True)
    result = asyncio.run(measure(args))
    write_json(result, args)
    return 0


async def until_idle(
    cpu_now: Callable[[], float], quiet_s: float, exited: Callable[[], bool]
) -> float | None:
    """The workers' CPU once they have spent under ``IDLE_CPU_S`` in ``quiet_s`` seconds (only
    the cheap alert ticks left); None when they do not settle within ``IDLE_WAIT_S``.

    At lag 0 each partition's alert clock jumps to today and evaluates every zaak waiting for a
    date: how much of that falls before lag 0 depends on the order the partitions finish."""
    history = [(time.monotonic(), cpu_now())]
    deadline = history[0][0] + IDLE_WAIT_S
    while time.monotonic() < deadline and not exited():
        await asyncio.sleep(0.5)
        now, cpu = time.monotonic(), cpu_now()
        history.append((now, cpu))
        before = [c for t, c in history if t <= now - quiet_s]
        if before and cpu - before[-1] < IDLE_CPU_S:
            return before[-1]
    return None


def report(result: dict[str, object], args: argparse.Namespace) -> None:
    """Print the figures and write them (--json): at lag 0, before the --stable wait and the
    dump, so a failure after the measurement loses none of it."""
    if "raw_rate" in result:
        print(f"raw aiokafka consume: {result['raw_rate']:,} events/s "
              f"({result['raw_events']:,} events in {result['raw_s']} s)")  # fmt: skip
    print(f"KPI worker: {result['worker_rate']:,} events/s ({result['worker_events']:,} events "
          f"in {result['worker_s']} s, lag 0: {result['lag_zero']})")  # fmt: skip
    if "ratio" in result:
        print(f"throughput ratio worker/raw: {result['ratio']:.4f} (goal >= 0.5)")
    print(f"KPI worker CPU ({result['workers']} process(es)): {result['worker_cpu_s']} s = "
          f"{result['events_per_cpu_s']:,} events per CPU-second "
          f"(host load average {result['load_average']:.1f})")  # fmt: skip
    if "cost_growth" in result:
        print(f"first {args.window:,} events: {result['first_window_per_cpu_s']:,} per CPU-s, "
              f"{result['first_window_per_s']:,}/s wall; last {args.window:,}: "
              f"{result['last_window_per_cpu_s']:,} per CPU-s, {result['last_window_per_s']:,}/s"
              f" wall; cost growth {result['cost_growth']} (goal <= 1.1)")  # fmt: skip
    if "national_year_min_wall" in result:
        wall, core = result["national_year_min_wall"], result.get("national_year_min_core")
        print(f"national year ({NATIONAL_YEAR:,} events), extrapolated: {wall} min at this "
              f"wall rate, {core} min on one full core (goal <= 10 min)")  # fmt: skip
    rss, peak = result["rss_mib"], result["rss_peak_mib"]
    print(f"worker RSS at the end: {rss:,} MiB, peak {peak:,} MiB "
          f"({result['worker_events']:,} events; at 1M open zaken goal <= 1 GiB)")  # fmt: skip
    sys.stdout.flush()
    write_json(result, args)


def write_json(result: dict[str, object], args: argparse.Namespace) -> None:
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    raise SystemExit(main())
