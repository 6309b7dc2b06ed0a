"""A demo load through loader, intake, KPI worker and reporting, checked against the
independent reference (tests/reference), KPI by KPI.

The reference recomputes every figure from the raw events as they were stored (after the
edge), without the processors' code; the served figures come from the real processes over
Kafka and Redis. Agreement shows the pipeline loses, doubles and misplaces nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx
import pytest
from conftest import ANALIST_KEY, INTAKE_KEY
from reference.figures import (
    bereik_ondersteuning,
    doorlooptijd,
    sth_opgepakt,
    sth_zonder_verwijzing,
    wachttijd,
)

from demo import DemoOptions, DemoStream
from services.kpi.operations.lag import measure
from services.kpi.settings import KpiSettings
from shared.contract.events import accept_at_edge
from shared.core.pseudonym import Pseudonymiser
from shared.platform.settings import KafkaSettings, PseudonymSettings, get_domain_config

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
REFERENCE = {
    "doorlooptijd": lambda events, _: doorlooptijd(events),
    "wachttijd": wachttijd,
    "sth-opgepakt": sth_opgepakt,
    "sth-zonder-verwijzing": sth_zonder_verwijzing,
    "bereik-ondersteuning": bereik_ondersteuning,
}


def stored(lines: list[str]) -> list[dict]:
    keys = PseudonymSettings()
    pseudonymiser = Pseudonymiser(keys.key, keys.key_version)
    domain = get_domain_config()
    return [accept_at_edge(line, domain, pseudonymiser).to_dict() for line in lines]


def served(reporting_url: str, kpi: str) -> tuple[date, dict]:
    answer = httpx.get(
        f"{reporting_url}/api/v1/kpi/{kpi}", headers={"X-API-Key": ANALIST_KEY}, timeout=30
    )
    answer.raise_for_status()
    body = answer.json()
    for c in body["cells"]:
        c.pop("cbs_code")  # beside the wijk name; the reference has the figures only
        c.pop("gewijzigd", None)  # when the cell last changed (docs/kpis.md#gewijzigd)
    cells = {(c.pop("wet"), c.pop("wijk"), c.pop("periode")): c for c in body["cells"]}
    return date.fromisoformat(body["peildatum"]), cells


def caught_up(kafka: KafkaSettings, worker_log: Path) -> None:
    """Wait until the worker group committed every event the intake acknowledged (the loader
    has exited, so all are in Kafka): a slow host only waits longer, a stalled worker fails
    here with its lag and log."""
    deadline = time.monotonic() + 240
    while True:
        lag = measure(kafka, KpiSettings())
        if lag.total == 0 and sum(p.end for p in lag.partitions) > 0:
            return
        if time.monotonic() > deadline:
            tail = worker_log.read_text(errors="replace")[-3000:] if worker_log.exists() else ""
            raise AssertionError(f"worker not caught up: {lag.to_dict()}\n{tail}")
        time.sleep(1)


def differences(cells: dict, expected: dict) -> dict[str, object]:
    """What a reader of a failure needs: which cells are missing, extra or different."""
    return {
        "missing": sorted(set(expected) - set(cells))[:10],
        "extra": sorted(set(cells) - set(expected))[:10],
        "different": [(c, cells[c], expected[c]) for c in sorted(set(cells) & set(expected))
                      if cells[c] != expected[c]][:5],
    }  # fmt: skip


def test_demo_load_is_served_as_the_reference_computes_it(
    intake_url: str,
    kpi_worker: None,
    reporting_url: str,
    kafka_settings: KafkaSettings,
    tmp_path: Path,
):
    options = DemoOptions(start=date(2026, 1, 1), months=4, seed=5, today=date(2026, 6, 30))
    lines = [json.dumps(e) for e in DemoStream(options, get_domain_config())]
    demo = tmp_path / "demo.jsonl"
    demo.write_text("\n".join(lines) + "\n")
    loaded = subprocess.run(
        [sys.executable, "-m", "services.intake.loader", str(demo), "--url", intake_url],
        env={**os.environ, "WIJKPULS_LOADER_API_KEY": INTAKE_KEY, "TQDM_DISABLE": "1"},
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    events = stored(lines)
    caught_up(kafka_settings, tmp_path / "kpi.log")

    for kpi, reference in REFERENCE.items():
        deadline = time.monotonic() + 30  # the worker committed everything: only Redis writes
        while True:
            peildatum, cells = served(reporting_url, kpi)
            expected = reference(events, peildatum)
            if cells == expected or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert cells == expected, (kpi, differences(cells, expected))
        basis = "households" if kpi == "bereik-ondersteuning" else "n"
        assert sum(c[basis] for (_, w, p), c in expected.items() if w == "gemeente" and
                   p == "2026") > 50, f"the demo should count something for {kpi}"  # fmt: skip
