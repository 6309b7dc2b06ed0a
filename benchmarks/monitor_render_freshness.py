"""The monitor's first render in Chromium and the freshness of a figure, on a stack started here.

    python -m benchmarks.monitor_render_freshness [--runs 3] [--probes 20] [--background 50]

Starts an intake, one KPI worker and a reporting service (processes, the local Kafka and
Redis, a fresh topic prefix), posts a 24-month demo (scale 0.1, as the browser tests) through
the intake and waits until the worker's lag is 0. Then:

1. **First render.** Each monitor page opened ``--runs`` times in a new browser context (no
   cache) of Debian's chromium (Playwright, ``executable_path``, headless): the browser's
   first contentful paint, and the moment the page's figures are drawn (its status line says
   "Laatst bijgewerkt", which each page writes after drawing what it read from the API), both
   from the start of the navigation.
2. **Freshness.** While a background sender posts ``--background`` demo events a second to
   the intake (zaken dated two months back and earlier), ``--probes`` times: a Wmo melding
   and its besluit dated today in Dierdonk are posted; from the intake's 202 until
   ``GET /api/v1/kpi/doorlooptijd`` (analist, this month, wmo, Dierdonk) counts it, asked every
   20 ms. The background never touches that cell, so each increment is the probe's.

Prints JSON (``--json FILE`` also writes it); everything started is stopped and removed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import redis

from benchmarks.common import ROOT, kafka_settings, log
from demo import DemoOptions, DemoStream
from demo.timing import add_months
from services.intake.settings import development_intake_clients
from services.kpi.operations.lag import measure
from services.kpi.settings import KpiSettings
from shared.core.local_time import amsterdam_today
from shared.platform.kafka_admin import delete_topics_with_prefix, ensure_topics
from shared.platform.settings import KafkaSettings, RedisSettings, get_domain_config

CHROMIUM = os.environ.get("WIJKPULS_BROWSER_CHROMIUM", "/usr/bin/chromium")
INTAKE_KEY = "wijkpuls-development-intake-key"
ANALIST_KEY = "bench-analist-key-0123456789"
BATCH = {"content-type": "application/cloudevents-batch+json"}
PAGES = ("overzicht", "trends", "wijken", "rapport")
PROBE_WIJK, PROBE_POSTCODE = "Dierdonk", "5706AB"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the process exited")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} not ready")


def _post(client: httpx.Client, events: list[dict[str, Any]]) -> None:
    while True:
        answer = client.post("/api/v1/events", json=events, headers=BATCH)
        if answer.status_code != 429:
            break
        time.sleep(float(answer.headers.get("retry-after", "1")))
    if answer.status_code not in (202, 207):
        raise RuntimeError(f"intake answered {answer.status_code}: {answer.text[:300]}")


@contextmanager
def stack(kafka: KafkaSettings, logs: Path) -> Iterator[tuple[str, str]]:
    """An intake, a KPI worker and a reporting service under ``kafka``'s prefix."""
    ensure_topics(kafka, get_domain_config())
    intake, reporting, web = _free_port(), _free_port(), _free_port()
    data_dir = logs / f"kpi-data-{kafka.topic_prefix.rstrip('-')}"
    env = {
        **os.environ,
        "WIJKPULS_KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "WIJKPULS_KAFKA_TOPIC_PREFIX": kafka.topic_prefix,
        "WIJKPULS_ENVIRONMENT": "test",
        # a data dir of this run's own: a table state left by an earlier run (another
        # prefix) made the worker crash at start (faust ConsistencyError)
        "WIJKPULS_KPI_DATA_DIR": str(data_dir),
        "WIJKPULS_KPI_WEB_PORT": str(web),
        "WIJKPULS_REPORTING_API_KEYS": json.dumps({ANALIST_KEY: "analist"}),
        "WIJKPULS_INTAKE_CLIENTS": json.dumps(
            [c.model_dump(mode="json") for c in development_intake_clients()]
        ),
    }
    commands = {
        "intake": (["-m", "services.intake", "--port", str(intake)], f"{intake}/ready"),
        "kpi": (["-m", "services.kpi", "worker", "-l", "warn"], f"{web}/"),
        "reporting": (["-m", "services.reporting", "--port", str(reporting)], f"{reporting}/ready"),
    }
    procs: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, (args, _) in commands.items():
            with (logs / f"{name}.log").open("ab") as out:
                procs[name] = subprocess.Popen(  # noqa: S603 - our own services
                    [sys.executable, *args], env=env, cwd=ROOT, stdout=out,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
        for name, (_, ready) in commands.items():
            _wait_http(f"http://127.0.0.1:{ready}", procs[name])
        yield f"http://127.0.0.1:{intake}", f"http://127.0.0.1:{reporting}"
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        delete_topics_with_prefix(kafka, kafka.topic_prefix)
        shutil.rmtree(data_dir, ignore_errors=True)
        with redis.Redis.from_url(RedisSettings().url) as r:
            found = list(r.scan_iter(match=f"{kafka.topic_prefix}*", count=10_000))
            for i in range(0, len(found), 1000):
                r.unlink(*found[i : i + 1000])


def wait_caught_up(kafka: KafkaSettings, timeout_s: float = 240) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        lag = measure(kafka, KpiSettings())
        if lag.total == 0 and sum(p.end for p in lag.partitions) > 0:
            return time.monotonic() - started
        time.sleep(0.5)
    raise RuntimeError("the worker did not catch up")


def first_render(reporting: str, runs: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    drawn = (
        "() => (document.getElementById('live-status')?.textContent || '')"
        ".includes('Laatst bijgewerkt') && performance.now()"
    )
    found: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            for name in PAGES:
                fcp, figures = [], []
                for _ in range(runs):
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    page.goto(f"{reporting}/monitor/{name}", wait_until="commit")
                    at = page.wait_for_function(drawn, timeout=60_000).json_value()
                    paint = page.evaluate(
                        "() => (performance.getEntriesByName('first-contentful-paint')[0] "
                        "|| {}).startTime || null"
                    )
                    figures.append(float(at))
                    fcp.append(float(paint) if paint is not None else float("nan"))
                    context.close()
                found[name] = {
                    "first_contentful_paint_ms": [round(v, 1) for v in fcp],
                    "figures_drawn_ms": [round(v, 1) for v in figures],
                    "figures_drawn_median_ms": round(statistics.median(figures), 1),
                }
                log(f"{name}: figures drawn after {found[name]['figures_drawn_ms']} ms")
        finally:
            browser.close()
    return found


def background_events(today: date, scale: float = 0.1) -> list[dict[str, Any]]:
    """Demo events of zaken dated two months back and earlier: never in the probe's cell."""
    end = add_months(today.replace(day=1), -2)
    options = DemoOptions(start=add_months(end, -23), months=24, seed=99, today=end, scale=scale)
    events = list(DemoStream(options, get_domain_config()))
    for event in events:  # zaken of their own: a shared id would mix two zaken's histories
        event["data"]["zaak_id"] = "BG-" + event["data"]["zaak_id"]
        if "subject" in event:
            event["subject"] = event["data"]["zaak_id"]
    return events


def send_background(intake: str, events: list[dict[str, Any]], rate: float,
                    stop: threading.Event, sent: list[int]) -> None:  # fmt: skip
    """Posts ``rate`` events a second in batches of a tenth of a second, open loop."""
    size = max(1, round(rate / 10))
    auth = {"Authorization": f"Bearer {INTAKE_KEY}"}
    with httpx.Client(base_url=intake, headers=auth, timeout=30) as client:
        due = time.monotonic()
        for start in range(0, len(events), size):
            if stop.is_set():
                return
            _post(client, events[start : start + size])
            sent[0] += len(events[start : start + size])
            due += 0.1
            time.sleep(max(0.0, due - time.monotonic()))


def probe_count(client: httpx.Client, periode: str) -> int:
    answer = client.get(
        "/api/v1/kpi/doorlooptijd",
        params={"periode": periode, "wet": "wmo", "wijk": PROBE_WIJK},
        headers={"X-API-Key": ANALIST_KEY},
    )
    answer.raise_for_status()
    cells = answer.json()["cells"]
    return int(cells[0]["n"]) if cells else 0


def freshness(
    intake: str,
    reporting: str,
    today: date,
    probes: int,
    gap_s: float = 0.0,
    kafka: KafkaSettings | None = None,
) -> list[float]:
    """Seconds from the intake's answer until the API counts each probe; a probe not
    visible within 60 s ends the run as ``inf`` (the worker's lag is logged)."""
    periode = today.strftime("%Y-%m")
    source = "urn:nld:oin:00000001002220647000:systeem:wmo-zaaksysteem"
    auth = {"Authorization": f"Bearer {INTAKE_KEY}"}
    seconds: list[float] = []
    with (
        httpx.Client(base_url=intake, headers=auth, timeout=30) as post,
        httpx.Client(base_url=reporting, timeout=30) as read,
    ):
        for n in range(probes):
            if n and gap_s:  # spread over the background load, not only its first seconds
                time.sleep(gap_s)
            before = probe_count(read, periode)
            zaak = f"BENCH-{uuid.uuid4().hex[:10]}"
            day = today.isoformat()
            events = [
                {"specversion": "1.0", "id": str(uuid.uuid4()), "source": source,
                 "type": f"nl.helmond.sociaaldomein.{kind}", "time": f"{day}T{hour}:00:00+01:00",
                 "data": {"zaak_id": zaak, "datum": day, **data}}
                for kind, hour, data in (
                    ("zaak.aangemeld", "09",
                     {"wet": "wmo", "soort": "melding", "postcode": PROBE_POSTCODE}),
                    ("zaak.besloten", "10", {"uitkomst": "toegekend"}),
                )
            ]  # fmt: skip
            _post(post, events)
            accepted = time.monotonic()
            while probe_count(read, periode) < before + 1:
                if time.monotonic() - accepted > 60:
                    lag = measure(kafka, KpiSettings()).total if kafka else None
                    log(f"probe {len(seconds) + 1} not visible within 60 s (worker lag {lag})")
                    seconds.append(float("inf"))
                    return seconds
                time.sleep(0.02)
            seconds.append(time.monotonic() - accepted)
    return seconds


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.monitor_render_freshness")
    parser.add_argument("--runs", type=int, default=3, help="page loads per page")
    parser.add_argument("--probes", type=int, default=20, help="freshness probes")
    parser.add_argument("--background", type=float, default=50.0, help="events/s meanwhile")
    parser.add_argument("--background-scale", type=float, default=0.1,
                        help="volume of the background demo (0.1: about 3,700 events; at "
                        "500/s take 1, about 38,000)")  # fmt: skip
    parser.add_argument("--probe-gap", type=float, default=0.0,
                        help="seconds between probes (0: one after another)")  # fmt: skip
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    load = [os.getloadavg()]
    kafka = kafka_settings(f"bench-monitor-{os.urandom(4).hex()}-")
    logs = ROOT / "var" / "log" / "bench-monitor"
    logs.mkdir(parents=True, exist_ok=True)
    today = amsterdam_today()
    result: dict[str, Any] = {"today": today.isoformat()}
    with stack(kafka, logs) as (intake, reporting):
        options = DemoOptions(start=add_months(today.replace(day=1), -23), months=24, seed=15,
                              today=today, scale=0.1)  # fmt: skip
        demo = list(DemoStream(options, get_domain_config()))
        with httpx.Client(base_url=intake, headers={"Authorization": f"Bearer {INTAKE_KEY}"},
                          timeout=60) as client:  # fmt: skip
            for start in range(0, len(demo), 500):
                _post(client, demo[start : start + 500])
        result["demo_events"] = len(demo)
        result["worker_caught_up_s"] = round(wait_caught_up(kafka), 1)
        log(f"{len(demo)} demo events loaded; worker caught up")
        load.append(os.getloadavg())
        if args.runs:  # --runs 0: freshness only
            result["first_render"] = first_render(reporting, args.runs)
            load.append(os.getloadavg())

        stop, sent = threading.Event(), [0]
        events = background_events(today, args.background_scale)
        sender = threading.Thread(
            target=send_background, args=(intake, events, args.background, stop, sent)
        )
        started = time.monotonic()
        sender.start()
        try:
            seconds = freshness(intake, reporting, today, args.probes, args.probe_gap, kafka)
        finally:
            stop.set()
            sender.join()
        elapsed = time.monotonic() - started
        load.append(os.getloadavg())
        result["freshness"] = {
            "probes": len(seconds),
            "probe_gap_s": args.probe_gap,
            "background_seconds": round(elapsed, 1),
            "background_events_per_s_asked": args.background,
            "background_events_per_s_sent": round(sent[0] / elapsed, 1),
            "p50_ms": round(_percentile(seconds, 0.5) * 1000, 1),
            "p99_ms": round(_percentile(seconds, 0.99) * 1000, 1),
            "max_ms": round(max(seconds) * 1000, 1),
            "all_ms": [round(s * 1000, 1) if s != float("inf") else None for s in seconds],
        }
    result["load_average_1_5_15"] = [[round(v, 2) for v in triple] for triple in load]
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
