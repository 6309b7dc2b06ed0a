"""The monitor in a real browser: Debian's chromium driven by Playwright, headless, against a
real intake, KPI worker and reporting service (processes, the local Kafka and Redis) fed with
a small two-year demo through the intake.

One stack and one browser per module (the demo is loaded once), its own topic prefix, so the
tier stays within its ~40 s. The browser is ``WIJKPULS_BROWSER_CHROMIUM`` (default
/usr/bin/chromium; ``deploy/local/chromium.sh`` installs it, ``make test`` runs that script):
Playwright's own browser download is never used. Screenshots and the axe-core results go to
var/screenshots/.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from browser_support import (
    ANALIST_KEY,
    CHROMIUM,
    Stack,
    caught_up,
    post_events,
    start_process,
    wait_ready,
)
from fixtures.service_procs import free_port
from playwright.sync_api import Browser, Page, sync_playwright

from demo import DemoOptions, DemoStream
from demo.timing import add_months
from services.intake.settings import development_intake_clients
from shared.core.local_time import amsterdam_today
from shared.platform.kafka_admin import delete_topics_with_prefix, ensure_topics
from shared.platform.settings import KafkaSettings, get_domain_config

DEMO_SCALE = 0.1  # ~3,700 events over 24 months: figures in many months, a quick worker


@pytest.fixture(scope="module")
def stack(
    kafka_bootstrap: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    prefix = f"browser-{os.urandom(6).hex()}-"
    kafka = KafkaSettings(bootstrap_servers=kafka_bootstrap, topic_prefix=prefix)
    ensure_topics(kafka, get_domain_config())
    logs = tmp_path_factory.mktemp("browser-stack")
    env = {
        **os.environ,
        "WIJKPULS_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "WIJKPULS_KAFKA_TOPIC_PREFIX": prefix,
        "WIJKPULS_REDIS_URL": redis_url,
        "WIJKPULS_ENVIRONMENT": "test",
        "WIJKPULS_KPI_DATA_DIR": str(logs / "kpi-data"),
        "WIJKPULS_KPI_WEB_PORT": str(free_port()),
        "WIJKPULS_REPORTING_API_KEYS": json.dumps({ANALIST_KEY: "analist"}),
        "WIJKPULS_INTAKE_CLIENTS": json.dumps(
            [client.model_dump(mode="json") for client in development_intake_clients()]
        ),
    }
    intake, reporting = free_port(), free_port()
    procs = {
        "intake": (
            start_process(
                ["-m", "services.intake", "--port", str(intake)], env, logs / "intake.log"
            ),
            f"http://127.0.0.1:{intake}/ready",
            logs / "in.log",
        ),
        "kpi": (
            start_process(["-m", "services.kpi", "worker", "-l", "info"], env, logs / "kpi.log"),
            f"http://127.0.0.1:{env['WIJKPULS_KPI_WEB_PORT']}/",
            logs / "kpi.log",
        ),
        "reporting": (
            start_process(
                ["-m", "services.reporting", "--port", str(reporting)], env, logs / "rep.log"
            ),
            f"http://127.0.0.1:{reporting}/ready",
            logs / "rep.log",
        ),
    }
    started = time.monotonic()
    try:
        # The demo is made while the services start, and posted once the worker is up: a
        # worker started on an already filled events topic with changelog topics still to be
        # made crashed here in a loop (faust PartitionsMismatch on applied-offsets).
        today = amsterdam_today()
        first = add_months(today.replace(day=1), -23)
        options = DemoOptions(start=first, months=24, seed=15, today=today, scale=DEMO_SCALE)
        events = list(DemoStream(options, get_domain_config()))
        wait_ready(procs)
        post_events(f"http://127.0.0.1:{intake}", events)
        loaded = time.monotonic()
        caught_up(kafka, logs / "kpi.log")
        print(
            f"browser stack: {len(events)} demo events posted after {loaded - started:.1f} s, "
            f"worker caught up after {time.monotonic() - started:.1f} s"
        )
        yield Stack(
            f"http://127.0.0.1:{intake}", f"http://127.0.0.1:{reporting}", kafka, today, logs
        )
    finally:
        for proc, _, _ in procs.values():
            proc.terminate()
        for proc, _, _ in procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        delete_topics_with_prefix(kafka, prefix)
        store = redis.Redis.from_url(redis_url)
        keys = list(store.scan_iter(f"{prefix}*", count=1000))
        for start in range(0, len(keys), 1000):  # the figures of this run (its own prefix)
            store.delete(*keys[start : start + 1000])
        store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run deploy/local/chromium.sh (make test does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab; axe-core is injected by the test, so the page's CSP is bypassed for it
    (the pages themselves load nothing inline)."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="nl-NL", bypass_csp=True
    )
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    yield tab
    context.close()
    assert not errors, f"script errors in the page: {errors}"
