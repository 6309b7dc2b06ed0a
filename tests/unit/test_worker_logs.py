"""The KPI worker logs JSON lines like the other services: faust's logging set up the way its
worker does it (mode's setup_logging with ``-l`` and the app's ``logging_config``)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from mode.utils.logging import setup_logging

from shared.platform.logs import faust_logging_config


@pytest.fixture
def restored_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_faust_worker_log_lines_are_json_at_the_command_line_level(
    restored_root: None, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_logging(loglevel="info", logging_config=faust_logging_config())
    log = logging.getLogger("faust.worker")
    log.info("worker ready", extra={"partitions": [0, 1]})
    log.debug("not at -l info")
    lines = [line for line in capsys.readouterr().err.splitlines() if line]
    assert len(lines) == 1, lines
    entry = json.loads(lines[0])
    assert entry["level"] == "info" and entry["logger"] == "faust.worker"
    assert entry["msg"] == "worker ready" and entry["partitions"] == [0, 1]


def test_each_call_gives_a_fresh_config_mode_may_pop_merge_from() -> None:
    first = faust_logging_config()
    first.pop("merge")
    assert faust_logging_config()["merge"] is True
