"""Structured (JSON lines) logging for every service.

Log records carry ids, types and counts, never event payloads: personal data must not reach a
log (docs/domain.md#privacy), so nothing here serialises a request or event body.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


def faust_logging_config() -> dict[str, Any]:
    """faust's ``logging_config`` (a ``logging.config.dictConfig``): the KPI worker's log
    lines as JSON like every other service's, instead of faust's coloured plain text.

    faust (mode) builds its own config from the CLI's ``-l`` and ``--logfile``: a handler
    named ``default`` at that level with the formatter ``colored`` (to a terminal) or
    ``default`` (to a file). Merged into it (``merge``), only those two formatters are
    replaced, so the level and destination stay what the command line says. A new dict each
    call: mode pops ``merge`` from the one it is given.
    """
    json_lines = {"()": JsonFormatter}
    return {"merge": True, "formatters": {"colored": json_lines, "default": json_lines}}
