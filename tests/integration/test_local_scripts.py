"""The deploy/local scripts: usage text, refusal of unknown commands, safe re-runs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.integration

LOCAL = Path(__file__).resolve().parents[2] / "deploy" / "local"
SCRIPTS = ["kafka.sh", "redis.sh", "postgres.sh", "up.sh", "down.sh"]


def _run(script: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LOCAL / script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("script", SCRIPTS)
def test_help_and_unknown_command(script: str) -> None:
    helped = _run(script, "--help")
    assert helped.returncode == 0
    assert helped.stdout.startswith(f"Usage: deploy/local/{script}")
    refused = _run(script, "no-such-command")
    assert refused.returncode == 2
    assert "Usage:" in refused.stderr


def test_scripts_are_strict_bash() -> None:
    for script in [*SCRIPTS, "lib.sh"]:
        text = (LOCAL / script).read_text()
        if script != "lib.sh":
            assert text.startswith("#!/usr/bin/env bash\n")
            assert "set -euo pipefail" in text
        assert subprocess.run(["bash", "-n", str(LOCAL / script)], check=False).returncode == 0


def test_redis_start_is_a_no_op_when_redis_answers(redis_url: str) -> None:
    port = str(urlsplit(redis_url).port or 6379)
    for _ in range(2):
        started = _run("redis.sh", "start", REDIS_PORT=port)
        assert started.returncode == 0, started.stderr
        assert "already running" in started.stdout or "using it" in started.stdout
    status = _run("redis.sh", "status", REDIS_PORT=port)
    assert status.returncode == 0
    assert "answers PING" in status.stdout
