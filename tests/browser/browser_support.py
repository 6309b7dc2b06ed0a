"""Helpers of the browser tests (tests/browser): the stack's addresses, posting events to the
intake, axe-core in the page, screenshots under var/screenshots/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from fixtures.service_procs import ROOT, http_ok
from playwright.sync_api import Page

from services.kpi.operations.lag import measure
from services.kpi.settings import KpiSettings
from shared.platform.settings import KafkaSettings

CHROMIUM = os.environ.get("WIJKPULS_BROWSER_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE = ROOT / "shared" / "web" / "node_modules" / "axe-core" / "axe.min.js"
ANALIST_KEY = "browser-analist-key-0123456789"
INTAKE_AUTH = {"Authorization": "Bearer wijkpuls-development-intake-key"}
BATCH = {"content-type": "application/cloudevents-batch+json"}


@dataclass(frozen=True)
class Stack:
    intake: str
    reporting: str
    kafka: KafkaSettings
    today: date
    logs: Path


def start_process(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, *args], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )


def wait_ready(procs: dict[str, tuple[subprocess.Popen[bytes], str, Path]]) -> None:
    """All services started at once (they take seconds each), then waited for together."""
    deadline = time.monotonic() + 90
    waiting = dict(procs)
    while waiting:
        for name, (proc, url, log) in list(waiting.items()):
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited early:\n{log.read_text()[-4000:]}")
            if http_ok(url)(log):
                del waiting[name]
        if time.monotonic() > deadline:
            raise RuntimeError(f"not ready in 90 s: {sorted(waiting)}")
        time.sleep(0.2)


def post_events(intake: str, events: list[dict[str, Any]]) -> None:
    with httpx.Client(base_url=intake, headers=INTAKE_AUTH, timeout=60) as client:
        for start in range(0, len(events), 500):
            batch = events[start : start + 500]
            while True:
                answer = client.post("/api/v1/events", json=batch, headers=BATCH)
                if answer.status_code != 429:
                    break
                time.sleep(float(answer.headers.get("retry-after", "1")))
            assert answer.status_code in (202, 207), answer.text[:2000]
            if answer.status_code == 207:
                results = answer.json()["results"]
                rejected = [r for r in results if r.get("status") == "rejected"]
                assert not rejected, rejected[:3]


def caught_up(kafka: KafkaSettings, log: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        lag = measure(kafka, KpiSettings())
        if lag.total == 0 and sum(p.end for p in lag.partitions) > 0:
            return
        if time.monotonic() > deadline:
            raise AssertionError(
                f"worker not caught up: {lag.to_dict()}\n{log.read_text()[-3000:]}"
            )
        time.sleep(0.5)


def axe_violations(page: Page, name: str) -> list[dict[str, Any]]:
    """axe-core (npm, the lock file's version) run in the page on WCAG 2.0/2.1 A and AA; every
    violation is written to var/screenshots/<name>.axe.json; the serious and critical ones
    are returned."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
          values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return {violations: r.violations.map(v => ({id: v.id, impact: v.impact,
          help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})),
          passes: r.passes.length};
      }"""
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"{name}.axe.json").write_text(json.dumps(result, indent=2))
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
