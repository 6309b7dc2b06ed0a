"""Runs the intake as a real process (uvicorn) against the real broker and Redis."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def service_env(kafka_bootstrap: str, redis_url: str, topic_prefix: str) -> dict[str, str]:
    env = {
        **os.environ,
        "WIJKPULS_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "WIJKPULS_REDIS_URL": redis_url,
        "WIJKPULS_KAFKA_TOPIC_PREFIX": topic_prefix,
        "WIJKPULS_ENVIRONMENT": "test",
    }
    subprocess.run(
        [sys.executable, "-m", "shared.kafka_admin", "ensure-topics"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=60,
    )
    return env


@pytest.fixture
def intake_url(service_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    log = (tmp_path / "intake.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.intake", "--port", str(port)],
        env=service_env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, proc, tmp_path / "intake.log")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"intake exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/ready", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"intake not ready within 30 s:\n{log.read_text()}")
