"""The pure half of ``services.intake.loader``: JSON Lines in, batches out, answers counted.

No HTTP here, so the rules are unit-tested on their own: which lines go together in a batch,
how the intake's per-item results are counted, how long a Retry-After says to wait, and what
the summary says.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

FIRST_LINES = 5  # line numbers kept per rejection reason
MAX_WAIT_S = 300.0  # longest wait for one Retry-After


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # 1-based line number in the file
    text: str  # the JSON text as read, sent on unchanged
    key: tuple[str, str] | None  # (source, id) when the line has them


@dataclass
class Reason:
    count: int = 0
    lines: list[int] = field(default_factory=list)


@dataclass
class LoadSummary:
    accepted: int = 0
    duplicate: int = 0
    rejected: int = 0
    reasons: dict[tuple[str, str], Reason] = field(default_factory=dict)

    @property
    def lines(self) -> int:
        return self.accepted + self.duplicate + self.rejected

    @property
    def exit_code(self) -> int:
        """0 when every line was accepted or a duplicate, 1 when some were rejected."""
        return 1 if self.rejected else 0

    def reject(self, number: int, problems: Iterable[tuple[str, str]]) -> None:
        """Line ``number`` was refused; each distinct (field, reason) is counted once."""
        self.rejected += 1
        for problem in dict.fromkeys(problems):
            reason = self.reasons.setdefault(problem, Reason())
            reason.count += 1
            if len(reason.lines) < FIRST_LINES:
                reason.lines.append(number)

    def to_dict(self) -> dict[str, Any]:
        reasons = [
            {"field": f, "reason": r, "count": v.count, "lines": v.lines}
            for (f, r), v in sorted(self.reasons.items(), key=lambda item: -item[1].count)
        ]
        counts = {"lines": self.lines, "accepted": self.accepted, "duplicate": self.duplicate}
        return {**counts, "rejected": self.rejected, "reasons": reasons}

    def render(self) -> str:
        text = [
            f"{self.lines} lines: {self.accepted} accepted, {self.duplicate} duplicate, "
            f"{self.rejected} rejected"
        ]
        for reason in self.to_dict()["reasons"]:
            more = ", ..." if reason["count"] > len(reason["lines"]) else ""
            where = ", ".join(map(str, reason["lines"])) + more
            field_name = reason["field"] or "(event)"
            text.append(f"  {reason['count']:>6} x {field_name}: {reason['reason']} (line {where})")
        return "\n".join(text)


def read_lines(lines: Iterable[bytes], summary: LoadSummary) -> Iterator[Line]:
    """The JSON lines of a file; blank lines are skipped, others that are not JSON rejected."""
    for number, raw in enumerate(lines, 1):
        try:
            text = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            summary.reject(number, [("(line)", "is not UTF-8")])
            continue
        if not text:
            continue
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: nested thousands deep
            summary.reject(number, [("(line)", "is not JSON")])
            continue
        key = None
        if isinstance(value, dict) and isinstance(value.get("source"), str):
            key = (value["source"], str(value.get("id")))
        yield Line(number, text, key)


def batches(lines: Iterable[Line], size: int) -> Iterator[list[Line]]:
    """Batches of at most ``size`` lines, never two with the same source + id.

    A retry in the file goes in a later batch, after the event it repeats was answered, as
    a case system would resend it (the intake would also take both in one batch).
    """
    batch: list[Line] = []
    keys: set[tuple[str, str]] = set()
    for line in lines:
        if len(batch) >= size or (line.key is not None and line.key in keys):
            yield batch
            batch, keys = [], set()
        batch.append(line)
        if line.key is not None:
            keys.add(line.key)
    if batch:
        yield batch


def batch_body(batch: list[Line]) -> bytes:
    """The JSON array of the batch, made from the lines as read (no re-encoding)."""
    return ("[" + ",".join(line.text for line in batch) + "]").encode()


def span(batch: list[Line]) -> str:
    """``lines 12-511``: where a batch sits in the file, for messages."""
    return f"lines {batch[0].number}-{batch[-1].number}"


def record_results(batch: list[Line], body: dict[str, Any], summary: LoadSummary) -> bool:
    """Count the intake's per-item ``results`` for ``batch`` into the summary.

    False, and nothing counted, when the answer does not hold exactly one result per line.
    """
    results = body.get("results")
    if not isinstance(results, list):
        return False
    by_index = {r.get("index"): r for r in results if isinstance(r, dict)}
    if len(results) != len(batch) or set(by_index) != set(range(len(batch))):
        return False
    for index, line in enumerate(batch):
        result = by_index[index]
        if result.get("status") == "accepted":
            summary.accepted += 1
        elif result.get("status") == "duplicate":
            summary.duplicate += 1
        else:
            errors = result.get("errors") or [{"field": "", "reason": "rejected"}]
            summary.reject(
                line.number, [(str(e.get("field", "")), str(e.get("reason", ""))) for e in errors]
            )
    return True


def retry_after_s(value: str | None, now: datetime | None = None) -> float:
    """Seconds a Retry-After asks for (delay-seconds or an HTTP date), 0 to MAX_WAIT_S.

    Absent or unreadable: 1 second.
    """
    if value is None:
        return 1.0
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_WAIT_S)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 1.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    wait = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(wait, 0.0), MAX_WAIT_S)
