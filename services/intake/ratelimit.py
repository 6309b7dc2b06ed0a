"""A token bucket per client, in Redis so that every intake process draws from the same one.

A client's bucket holds at most ``burst`` tokens and refills at ``rate_per_s``; a request
costs one token per event. The arithmetic is ``take`` below; Redis runs the same steps in one
Lua script (atomic, on the Redis clock), so concurrent requests on several processes never
both spend the last tokens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis
from redis.exceptions import RedisError

from services.intake.auth import AuthenticatedClient
from services.intake.credentials import Client
from shared.platform.problems import ProblemError


@dataclass(frozen=True)
class Bucket:
    tokens: float
    at: float  # seconds, when ``tokens`` was counted


def take(
    bucket: Bucket | None, now: float, rate: float, burst: int, cost: int
) -> tuple[Bucket, float]:
    """The bucket after asking for ``cost`` tokens, and the seconds to wait (0.0: granted).

    A new bucket is full. A refused request spends nothing. ``cost`` above ``burst`` can
    never be granted; callers refuse that request as too large instead.
    """
    tokens = float(burst)
    if bucket is not None:
        tokens = min(tokens, bucket.tokens + max(0.0, now - bucket.at) * rate)
    if cost <= tokens:
        return Bucket(tokens - cost, now), 0.0
    return Bucket(tokens, now), (cost - tokens) / rate


def retry_after(wait_s: float) -> str:
    """The Retry-After value: whole seconds, rounded up, at least 1."""
    return str(max(1, math.ceil(wait_s)))


# take() in Lua: KEYS[1] the bucket; ARGV rate, burst, cost; returns the wait as text.
_TAKE = """
local rate, burst, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = burst
if state[1] then
  tokens = math.min(burst, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * rate)
end
local wait = 0
if cost <= tokens then tokens = tokens - cost else wait = (cost - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return tostring(wait)
"""


class RateLimiter:
    def __init__(self, redis: Redis, namespace: str) -> None:
        self._take = redis.register_script(_TAKE)
        self._namespace = namespace

    async def take(self, client: Client, cost: int) -> float:
        """Seconds until ``cost`` tokens are there (0.0: taken now)."""
        key = f"{self._namespace}:rate:{client.name}"
        wait = await self._take(keys=[key], args=[client.rate_per_s, client.burst, cost])
        return float(wait.decode() if isinstance(wait, bytes) else wait)


def too_many_requests(wait_s: float) -> ProblemError:
    return ProblemError(
        429,
        "rate-limited",
        "Too many requests",
        "this client's rate limit is used up; resend after Retry-After seconds",
        headers={"Retry-After": retry_after(wait_s)},
    )


async def within_rate(request: Request, client: AuthenticatedClient) -> Client:
    """For routes that take one message per request: authenticated, then one token."""
    limiter: RateLimiter = request.app.state.limiter
    try:
        wait = await limiter.take(client, 1)
    except RedisError:
        raise ProblemError(
            503, "unavailable", "Store unavailable", "retry the same request"
        ) from None
    if wait:
        raise too_many_requests(wait)
    return client


RateLimitedClient = Annotated[Client, Depends(within_rate)]
