"""The demo stream through loader, intake, KPI worker and reporting agrees with the clock module.

The expected figures are computed in-process from the same JSONL with the pure domain code
(edge validation, per-zaak history, the besluit clocks); the served figures come from the
real processes over Kafka and Redis. Agreement shows nothing is lost, doubled or misplaced
between the edges (the independent reference of the KPI definitions is a separate test).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import httpx
import pytest
from conftest import ANALIST_KEY, INTAKE_KEY

from services.kpi.facts import zaak_fact
from shared.demo import DemoOptions, DemoStream
from shared.domain import AtwCalendar, ZaakHistory
from shared.domain_config import get_domain_config
from shared.events import accept_at_edge
from shared.kpi.contribution import doorlooptijd_contribution
from shared.kpi.stats import nearest_rank, percentage
from shared.pseudonym import Pseudonymiser
from shared.settings import PseudonymSettings

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def expected_cells(lines: list[str]) -> dict[tuple[str, str, str], dict]:
    domain = get_domain_config()
    keys = PseudonymSettings()
    pseudonymiser = Pseudonymiser(keys.key, keys.key_version)
    histories: dict[str, ZaakHistory] = defaultdict(ZaakHistory)
    for line in lines:
        found = zaak_fact(accept_at_edge(line, domain, pseudonymiser))
        if found:
            histories[found[0]] = histories[found[0]].add(found[1])
    calendar = AtwCalendar(domain.gelijkgestelde_dagen)
    totals: Counter[tuple[str, str]] = Counter()
    for history in histories.values():
        totals.update(doorlooptijd_contribution(history, domain, calendar))
    cells: dict[tuple[str, str, str], dict] = {}
    for (cell, field), count in totals.items():
        _, wet, wijk, periode = cell.split("|")
        cells.setdefault((wet, wijk, periode), Counter())[field] = count
    return {key: _figures(counter) for key, counter in cells.items() if counter["n"]}


def _figures(counter: Counter) -> dict:
    histogram = {int(f[1:]): c for f, c in counter.items() if f.startswith("d")}
    return {
        "n": counter["n"],
        "n_tijdig": counter["tijdig"],
        "tijdig_pct": percentage(counter["tijdig"], counter["n"]),
        "median": nearest_rank(histogram, 0.5),
        "p90": nearest_rank(histogram, 0.9),
    }


def served_cells(reporting_url: str) -> dict[tuple[str, str, str], dict]:
    answer = httpx.get(
        f"{reporting_url}/api/v1/kpi/doorlooptijd",
        headers={"X-API-Key": ANALIST_KEY},
    )
    answer.raise_for_status()
    return {(c.pop("wet"), c.pop("wijk"), c.pop("periode")): c for c in answer.json()["cells"]}


def test_demo_load_is_served_as_the_clock_module_computes_it(
    intake_url: str, kpi_worker: None, reporting_url: str, tmp_path: Path
):
    options = DemoOptions(start=date(2026, 1, 1), months=4, seed=5, today=date(2026, 6, 30))
    lines = [json.dumps(e) for e in DemoStream(options, get_domain_config())]
    demo = tmp_path / "demo.jsonl"
    demo.write_text("\n".join(lines) + "\n")
    loaded = subprocess.run(
        [
            *(sys.executable, "-m", "services.intake.loader", str(demo)),
            *("--url", intake_url, "--api-key", INTAKE_KEY, "--quiet"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr

    expected = expected_cells(lines)
    assert (
        sum(f["n"] for (_, wijk, p), f in expected.items() if p == "2026" and wijk == "gemeente")
        > 300
    ), "the demo should decide a few hundred zaken"
    deadline = time.monotonic() + 90
    served: dict = {}
    while time.monotonic() < deadline and served != expected:
        time.sleep(1)
        served = served_cells(reporting_url)
    missing = sorted(set(expected) - set(served))
    assert not missing, (len(missing), missing[:60])
    assert served == expected
