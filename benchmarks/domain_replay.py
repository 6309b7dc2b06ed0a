"""python -m benchmarks.domain_replay: the worker's pure per-event work on a topic, in-process.

Reads every record of ``<prefix>wijkpuls.events`` once, then drives the worker's
``ZaakProcessor`` as the events agent does (batches of up to 500 records, per partition in
offset order, partitions taking turns; the alert clock caught up per record; each touched
zaak's three Redis views computed once per batch), with an in-memory table and no broker or
Redis calls. Prints CPU per chunk of ``--chunk`` events and the alert evaluations per chunk,
so a cost per event that grows with the stream shows, and where (``--profile-chunk N`` writes
a cProfile of chunk N, CPU clock, to ``--profile-out``). ``--digest`` prints one sha256 over
every computed output in order (each view's script keys and arguments, every alert published,
every historisch view replaced, and the table at the end), so two trees' pure work can be
compared byte for byte on one topic; it costs CPU, so time runs without it.

Not the worker's rate: faust, the changelog, RocksDB and the Redis round trips are left out.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import hashlib
import json
import time
from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from aiokafka import AIOKafkaConsumer
from redis.asyncio import Redis

from benchmarks.common import end_offsets, events_topic, kafka_settings, log
from services.kpi.stream.gaps import EventsRecord
from services.kpi.zaken.figures_sink import FigureSink, ZaakFigures
from services.kpi.zaken.processor import ZaakProcessor
from services.kpi.zaken.schedule import AlertSchedule
from services.kpi.zaken.termijnen_sink import TermijnSink
from services.kpi.zaken.views import ViewBatch
from services.kpi.zaken.wachtend_sink import WachtendSink
from shared.contract.alert_keys import AlertKeys
from shared.contract.figure_keys import FigureKeys
from shared.contract.wachtend_keys import WachtendKeys
from shared.core.alerts import DueAlert
from shared.core.domain import AtwCalendar
from shared.core.local_time import amsterdam_date
from shared.platform.settings import get_domain_config


class Digest:
    """sha256 over the outputs fed in, in order (``--digest``); off: nothing is hashed."""

    def __init__(self, on: bool) -> None:
        self.on = on
        self._sha = hashlib.sha256()

    def add(self, *parts: object) -> None:
        if self.on:
            self._sha.update(json.dumps(parts, sort_keys=True, default=str).encode())
            self._sha.update(b"\n")

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def _alerts(alerts: Sequence[DueAlert]) -> list[object]:
    return [[a.kind.value, a.data()] for a in alerts]


class CountingPublisher:
    def __init__(self, digest: Digest) -> None:
        self.pushed = 0
        self.views = 0
        self.digest = digest

    async def publish(self, alerts: Sequence[DueAlert], today: date) -> None:
        self.pushed += len(alerts)
        self.digest.add("publish", _alerts(alerts), today)

    async def replace_historisch(
        self, zaak_id: str, candidates: Sequence[str], alerts: Sequence[DueAlert], today: date
    ) -> None:
        self.views += 1
        self.digest.add("historisch", zaak_id, list(candidates), _alerts(alerts), today)


async def read_records(prefix: str, bootstrap: str | None) -> list[EventsRecord]:
    kafka = kafka_settings(prefix, bootstrap)
    topic = events_topic(kafka)
    ends = await end_offsets(kafka, topic)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka.bootstrap_servers, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    per: dict[int, list[EventsRecord]] = {tp.partition: [] for tp in ends}
    try:
        consumer.assign(list(ends))
        await consumer.seek_to_beginning(*ends)
        remaining = {tp for tp, end in ends.items() if end > 0}
        while remaining:
            batches = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            for tp, records in batches.items():
                for r in records:
                    per[tp.partition].append(
                        EventsRecord(tp.partition, r.offset, r.timestamp / 1000, r.key, r.value,
                                     list(r.headers or []))
                    )  # fmt: skip
                if per[tp.partition] and per[tp.partition][-1].offset + 1 >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
    # partitions take turns, 500 records at a time (what a fetch hands the agent)
    ordered: list[EventsRecord] = []
    cursors = dict.fromkeys(per, 0)
    while any(cursors[p] < len(per[p]) for p in per):
        for p in sorted(per):
            ordered += per[p][cursors[p] : cursors[p] + 500]
            cursors[p] += 500
    return ordered


async def replay(records: list[EventsRecord], args: argparse.Namespace) -> None:
    domain = get_domain_config()
    calendar = AtwCalendar(domain.gelijkgestelde_dagen)
    redis = Redis()  # never connected: the sinks only register their scripts
    views = ViewBatch(redis)
    digest = Digest(args.digest)
    publisher = CountingPublisher(digest)
    table: dict[str, Any] = {}
    processor = ZaakProcessor(
        table=table,
        domain=domain,
        calendar=calendar,
        schedule=AlertSchedule(),
        publisher=publisher,
        figures=views.staged(ZaakFigures(FigureSink(redis, FigureKeys("x.")), domain, calendar)),
        termijnen=views.staged(TermijnSink(redis, AlertKeys("x."), domain)),
        wachtend=views.staged(WachtendSink(redis, WachtendKeys("x."))),
        alert_window_days=7,
    )
    processor.ensure_built(sorted({r.partition for r in records}))
    today = date.today()
    evaluations: Counter[str] = Counter()
    real_evaluate = processor._evaluate

    async def counting(*a: Any, **k: Any) -> None:
        evaluations["n"] += 1
        await real_evaluate(*a, **k)

    processor._evaluate = counting  # type: ignore[method-assign]
    gc_time = [0.0, 0.0]

    def gc_timer(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_time[1] = time.process_time()
        else:
            gc_time[0] += time.process_time() - gc_time[1]

    gc.callbacks.append(gc_timer)
    if args.gc_freeze:  # what the worker does after its start (services/kpi/process_tuning.py)
        gc.freeze()
        gc.set_threshold(*args.gc_freeze)
    chunk, profile = args.chunk, None
    started = time.process_time()
    last_evals = 0
    for n in range(0, len(records), 500):
        index = n // chunk
        if n % chunk == 0:
            if profile is not None:
                profile.disable()
                profile.dump_stats(args.profile_out)
                profile = None
            if index == args.profile_chunk:
                profile = cProfile.Profile(time.process_time)
                profile.enable()
        for record in records[n : n + 500]:
            day = amsterdam_date(record.timestamp_s) if record.timestamp_s else today
            day = await processor.catch_up(record.partition, day, today)
            await processor.apply(
                record.partition, day, record.key, record.value, record.headers, record.timestamp_s
            )
        for view in views._views:  # what ViewBatch.flush computes, without the round trip
            for zaak_id, history in view.pending.items():
                call = view.sink.call(zaak_id, history)
                digest.add("view", zaak_id, call.script.sha, list(call.keys), list(call.args))
        views.clear()
        if (n + 500) % chunk == 0 or n + 500 >= len(records):
            now = time.process_time()
            log(f"events {index * chunk:,}..{min(n + 500, len(records)):,}: "
                f"{now - started:.2f} CPU-s = {(n + 500 - index * chunk) / (now - started):,.0f} "
                f"per CPU-s; evaluations {evaluations['n'] - last_evals:,}; "
                f"zaken {len(table):,}; gc {gc_time[0]:.2f} CPU-s")  # fmt: skip
            started, last_evals, gc_time[0] = now, evaluations["n"], 0.0
    if profile is not None:
        profile.disable()
        profile.dump_stats(args.profile_out)
    if args.digest:
        for zaak_id in sorted(table):
            digest.add("table", zaak_id, table[zaak_id])
        log(f"digest {digest.hexdigest()} ({publisher.pushed:,} alerts published, "
            f"{publisher.views:,} historisch views replaced, {len(table):,} zaken)")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.domain_replay", description=__doc__)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--bootstrap", default=None)
    parser.add_argument("--chunk", type=int, default=20_000)
    parser.add_argument("--profile-chunk", type=int, default=-1)
    parser.add_argument("--profile-out", default="var/domain-replay.prof")
    parser.add_argument("--gc-freeze", type=int, nargs=3, metavar=("G0", "G1", "G2"),
                        help="gc.freeze() and these thresholds before the replay")  # fmt: skip
    parser.add_argument("--digest", action="store_true",
                        help="print a sha256 of every computed output (costs CPU)")  # fmt: skip
    args = parser.parse_args(argv)
    records = asyncio.run(read_records(args.prefix, args.bootstrap))
    log(f"{len(records):,} records read")
    asyncio.run(replay(records, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
