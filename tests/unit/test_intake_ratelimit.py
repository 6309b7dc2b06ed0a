"""The token bucket arithmetic that the Redis script mirrors, and the 429 dependency."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from hypothesis import given
from hypothesis import strategies as st

from services.intake import auth
from services.intake.credentials import Client
from services.intake.ratelimit import Bucket, RateLimitedClient, retry_after, take
from services.intake.settings import Settings
from shared.platform.problems import install_problem_handlers


def test_a_new_bucket_is_full_and_a_request_costs_one_token_per_event():
    bucket, wait = take(None, now=100.0, rate=2.0, burst=10, cost=10)
    assert (bucket, wait) == (Bucket(0.0, 100.0), 0.0)
    bucket, wait = take(bucket, now=100.5, rate=2.0, burst=10, cost=3)
    assert wait == 1.0, "1 token there, 2 more at 2 per second"
    assert bucket == Bucket(1.0, 100.5), "a refused request spends nothing"
    bucket, wait = take(bucket, now=101.5, rate=2.0, burst=10, cost=3)
    assert (bucket, wait) == (Bucket(0.0, 101.5), 0.0)


def test_refill_stops_at_the_burst_and_a_clock_step_back_adds_nothing():
    bucket, _ = take(Bucket(0.0, 0.0), now=3600.0, rate=5.0, burst=10, cost=0)
    assert bucket.tokens == 10.0
    bucket, _ = take(Bucket(4.0, 50.0), now=40.0, rate=5.0, burst=10, cost=0)
    assert bucket.tokens == 4.0


def test_retry_after_is_whole_seconds_rounded_up_and_at_least_one():
    assert [retry_after(w) for w in (0.01, 1.0, 1.2, 59.9)] == ["1", "1", "2", "60"]


@given(
    rate=st.floats(0.1, 1000),
    burst=st.integers(1, 5000),
    steps=st.lists(st.tuples(st.floats(0, 10), st.integers(0, 50)), max_size=40),
)
def test_never_more_granted_than_the_burst_plus_what_the_rate_refilled(rate, burst, steps):
    bucket, now, granted = None, 0.0, 0
    for dt, cost in steps:
        now += dt
        bucket, wait = take(bucket, now, rate, burst, cost)
        assert 0.0 <= bucket.tokens <= burst
        if wait == 0.0:
            granted += cost
        else:
            assert cost > 0 and abs(bucket.tokens + wait * rate - cost) < 1e-6 * max(1, cost)
    assert granted <= burst + now * rate + 1e-6


class FakeLimiter:
    def __init__(self, wait: float) -> None:
        self.wait, self.taken = wait, []

    async def take(self, client: Client, cost: int) -> float:
        self.taken.append((client.name, cost))
        return self.wait


async def test_the_per_request_dependency_answers_429_with_retry_after():
    app = FastAPI()
    auth.install(app, Settings())
    install_problem_handlers(app)

    @app.post("/message")
    async def message(client: RateLimitedClient) -> dict[str, str]:
        return {"name": client.name}

    auth_header = {"X-API-Key": "wijkpuls-development-intake-key-wmo"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
        app.state.limiter = FakeLimiter(0.0)
        ok = await http.post("/message", headers=auth_header)
        app.state.limiter = FakeLimiter(2.5)
        limited = await http.post("/message", headers=auth_header)
        anonymous = await http.post("/message")
    assert ok.json() == {"name": "wmo-zaaksysteem"}
    assert limited.status_code == 429 and limited.headers["retry-after"] == "3"
    assert limited.json()["type"].endswith("/rate-limited")
    assert app.state.limiter.taken == [("wmo-zaaksysteem", 1)]
    assert anonymous.status_code == 401, "the key is checked before any token is spent"
