"""The worker's event loop is chosen from its settings before faust is imported."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from services.kpi.event_loop import choose_event_loop
from services.kpi.settings import get_settings


@pytest.fixture
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.delenv("FAUST_LOOP", raising=False)
    monkeypatch.delenv("WIJKPULS_KPI_EVENT_LOOP", raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_uvloop_by_default(fresh_settings: pytest.MonkeyPatch) -> None:
    assert choose_event_loop() == "uvloop"


def test_the_setting_chooses_cpythons_loop(fresh_settings: pytest.MonkeyPatch) -> None:
    fresh_settings.setenv("WIJKPULS_KPI_EVENT_LOOP", "aio")
    assert choose_event_loop() == "aio"


def test_faust_loop_already_named_wins(fresh_settings: pytest.MonkeyPatch) -> None:
    fresh_settings.setenv("FAUST_LOOP", "aio")
    fresh_settings.setenv("WIJKPULS_KPI_EVENT_LOOP", "uvloop")
    assert choose_event_loop() == "aio"


def test_an_unknown_loop_is_refused_by_name(fresh_settings: pytest.MonkeyPatch) -> None:
    fresh_settings.setenv("WIJKPULS_KPI_EVENT_LOOP", "tokio")
    with pytest.raises(ValidationError) as refused:
        choose_event_loop()
    assert "event_loop" in str(refused.value)


def test_the_worker_module_runs_on_uvloop() -> None:
    """Importing the worker's entry point installs uvloop's policy (faust reads the choice
    while it is imported), in a fresh interpreter so this test process is left alone."""
    probe = (
        "import asyncio, services.kpi.__main__; "
        "print(type(asyncio.get_event_loop_policy()).__module__)"
    )
    env = {"PATH": "/usr/bin:/bin", "WIJKPULS_KPI_EVENT_LOOP": "uvloop"}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "uvloop"
