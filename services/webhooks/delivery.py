"""One alert to one webhook: POST, and on failure wait and try again, doubling the wait.

Any answer other than 2xx, a timeout or a connection error is a failed attempt. After
``max_attempts`` the caller dead-letters the alert with the last reason. The waits are
``backoff_initial_s * 2**(n-1)``, at most ``backoff_max_s``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from services.webhooks.signing import (
    ALERT_ID_HEADER,
    ATTEMPT_HEADER,
    CONTENT_TYPE,
    SIGNATURE_HEADER,
    signature,
)

log = logging.getLogger("wijkpuls.webhooks")
Sleep = Callable[[float], Awaitable[None]]
# Told after every attempt: None when it succeeded, else the reason. The dispatcher counts
# attempts and failures with it while a delivery is still retrying, so a receiver that is
# down shows at once, not only when the alert is dead-lettered minutes later.
Observe = Callable[[str | None], None]


def _ignore(_: str | None) -> None:
    return None


@dataclass(frozen=True)
class Backoff:
    max_attempts: int
    initial_s: float
    max_s: float

    def wait_before(self, attempt: int) -> float:
        """Seconds to wait before attempt ``attempt`` (2, 3, ...)."""
        factor: float = 2 ** (attempt - 2)  # int ** int is typed Any (a negative power is a float)
        return min(self.initial_s * factor, self.max_s)

    def longest_delivery_s(self, timeout_s: float) -> float:
        """The longest one alert can take: every attempt timing out, every wait."""
        waits = sum(self.wait_before(n) for n in range(2, self.max_attempts + 1))
        return waits + self.max_attempts * timeout_s


# aiokafka's default max_poll_interval_ms. A consumer that does not ask for records for
# longer leaves its group, and the commit after a long delivery then fails and ends the
# webhook's delivery loop, so the dispatcher allows each consumer the longest delivery.
DEFAULT_MAX_POLL_INTERVAL_MS = 300_000


def max_poll_interval_ms(backoff: Backoff, timeout_s: float) -> int:
    """The consumer's max_poll_interval_ms: the longest delivery plus a minute, at least
    aiokafka's default."""
    longest_ms = int((backoff.longest_delivery_s(timeout_s) + 60) * 1000)
    return max(DEFAULT_MAX_POLL_INTERVAL_MS, longest_ms)


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    attempts: int
    reason: str = ""


async def deliver(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    alert_id: str,
    secret: str,
    backoff: Backoff,
    sleep: Sleep = asyncio.sleep,
    observe: Observe = _ignore,
) -> Outcome:
    headers = {
        "Content-Type": CONTENT_TYPE,
        SIGNATURE_HEADER: signature(body, secret),
        ALERT_ID_HEADER: alert_id,
        "User-Agent": "wijkpuls-webhooks",
    }
    reason = ""
    for attempt in range(1, backoff.max_attempts + 1):
        if attempt > 1:
            await sleep(backoff.wait_before(attempt))
        try:
            answer = await client.post(
                url, content=body, headers={**headers, ATTEMPT_HEADER: str(attempt)}
            )
        except httpx.HTTPError as exc:
            reason = f"{type(exc).__name__}"
        else:
            if answer.is_success:
                observe(None)
                return Outcome(True, attempt)
            reason = f"HTTP {answer.status_code}"
        observe(reason)
        log.warning(
            "webhook attempt failed",
            extra={"alert_id": alert_id, "attempt": attempt, "reason": reason},
        )
    return Outcome(False, backoff.max_attempts, reason)
