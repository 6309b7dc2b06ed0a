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


@dataclass(frozen=True)
class Backoff:
    max_attempts: int
    initial_s: float
    max_s: float

    def wait_before(self, attempt: int) -> float:
        """Seconds to wait before attempt ``attempt`` (2, 3, ...)."""
        factor: float = 2 ** (attempt - 2)  # int ** int is typed Any (a negative power is a float)
        return min(self.initial_s * factor, self.max_s)


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
                return Outcome(True, attempt)
            reason = f"HTTP {answer.status_code}"
        log.warning(
            "webhook attempt failed",
            extra={"alert_id": alert_id, "attempt": attempt, "reason": reason},
        )
    return Outcome(False, backoff.max_attempts, reason)
