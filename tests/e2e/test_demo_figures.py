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
from shared.contract.events import accept_at_edge
from shared.core.pseudonym import Pseudonymiser
from shared.platform.settings import PseudonymSettings, get_domain_config

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
    cells = {(c.pop("wet"), c.pop("wijk"), c.pop("periode")): c for c in body["cells"]}
    return date.fromisoformat(body["peildatum"]), cells


def test_demo_load_is_served_as_the_reference_computes_it(
    intake_url: str, kpi_worker: None, reporting_url: str, tmp_path: Path
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

    for kpi, reference in REFERENCE.items():
        deadline = time.monotonic() + 90
        while True:
            peildatum, cells = served(reporting_url, kpi)
            expected = reference(events, peildatum)
            if cells == expected or time.monotonic() > deadline:
                break
            time.sleep(1)
        missing = sorted(set(expected) - set(cells))
        assert not missing, (kpi, len(missing), missing[:20])
        assert cells == expected, kpi
        basis = "households" if kpi == "bereik-ondersteuning" else "n"
        assert sum(c[basis] for (_, w, p), c in expected.items() if w == "gemeente" and
                   p == "2026") > 50, f"the demo should count something for {kpi}"  # fmt: skip
