"""Runs a Wijkpuls service as a real process for the integration and e2e tiers."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_ok(url: str) -> Callable[[Path], bool]:
    def check(_: Path) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                return bool(answer.status == 200)
        except OSError:
            return False

    return check


def log_says(text: str) -> Callable[[Path], bool]:
    return lambda log: text in log.read_text(errors="replace")


@contextmanager
def run_service(
    args: list[str],
    env: dict[str, str],
    log: Path,
    ready: Callable[[Path], bool],
    timeout_s: float = 60,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``python <args>``, wait until ``ready(log)``, stop it (SIGTERM) afterwards."""
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, *args], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + timeout_s
        while not ready(log):
            if proc.poll() is not None:
                raise RuntimeError(f"{args} exited early:\n{log.read_text()[-5000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{args} not ready in {timeout_s} s:\n{log.read_text()[-5000:]}")
            time.sleep(0.3)
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
