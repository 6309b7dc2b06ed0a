"""What one webhook's deliveries look like right now: the dispatcher's state per subscriber.

Kept beside the Prometheus counters so a person asking ``GET /webhooks`` on the dispatcher
sees the same story as the dashboard: whether the receiver takes alerts now, how many
attempts failed in a row and why, when it last took one, and how many alerts went to the
dead-letter topic (they wait there for ``python -m services.kpi.operations.dead_letters
resend`` once the receiver is back).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any


@dataclass
class HookStatus:
    webhook: str
    delivered: int = 0
    dead_lettered: int = 0
    failed_attempts: int = 0
    consecutive_failures: int = 0
    last_failure: str = ""
    last_failure_at: float | None = None
    last_delivered_at: float | None = None

    def attempt(self, reason: str | None) -> None:
        """One POST ended: ``None`` when the receiver took it, else why not."""
        if reason is None:
            self.consecutive_failures = 0
            self.last_delivered_at = time.time()
            return
        self.failed_attempts += 1
        self.consecutive_failures += 1
        self.last_failure = reason
        self.last_failure_at = time.time()

    @property
    def state(self) -> str:
        """``failing`` from the first failed attempt until the next success."""
        return "failing" if self.consecutive_failures else "delivering"

    def report(self) -> dict[str, Any]:
        return {
            "webhook": self.webhook,
            "state": self.state,
            "delivered": self.delivered,
            "dead_lettered": self.dead_lettered,
            "failed_attempts": self.failed_attempts,
            "consecutive_failures": self.consecutive_failures,
            "last_failure": self.last_failure or None,
            "last_failure_at": _iso(self.last_failure_at),
            "last_delivered_at": _iso(self.last_delivered_at),
        }


def _iso(at: float | None) -> str | None:
    if at is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))
