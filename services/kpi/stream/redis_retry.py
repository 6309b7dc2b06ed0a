"""Redis writes of the worker are retried while Redis is away, never skipped: a skipped
write would leave the view behind the zaken table until the zaak's next event."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from services.kpi.stream.metrics import REDIS_RETRIES

log = logging.getLogger("wijkpuls.kpi.redis")
T = TypeVar("T")


async def retrying(write: Callable[[], Awaitable[T]]) -> T:
    delay = 0.2
    while True:
        try:
            return await write()
        except (RedisConnectionError, RedisTimeoutError):
            log.warning("redis unavailable, retrying", extra={"retry_in_s": delay})
            REDIS_RETRIES.inc()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
