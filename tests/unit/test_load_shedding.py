"""Past max_in_flight a request gets 503 + Retry-After at once; the probes are never shed
(shared/platform/load_shedding.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI
from fastapi.responses import StreamingResponse

from shared.platform.load_shedding import install_load_shedding


def slow_app(release: asyncio.Event) -> FastAPI:
    app = FastAPI()

    @app.get("/api/v1/figure")
    async def figure() -> dict[str, int]:
        await release.wait()
        return {"n": 7}

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    install_load_shedding(app, max_in_flight=2, retry_after_s=3)
    return app


async def test_requests_past_the_limit_are_shed_and_the_rest_answered() -> None:
    release = asyncio.Event()
    transport = httpx.ASGITransport(app=slow_app(release))
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as http:
        held = [asyncio.create_task(http.get("/api/v1/figure")) for _ in range(2)]
        await asyncio.sleep(0.05)  # both are inside now
        shed = await http.get("/api/v1/figure")
        probe = await http.get("/health")
        release.set()
        answered = await asyncio.gather(*held)
        after = await http.get("/api/v1/figure")
    assert shed.status_code == 503 and shed.headers["retry-after"] == "3"
    assert shed.headers["content-type"] == "application/problem+json"
    assert shed.json()["type"].endswith("overloaded")
    assert probe.status_code == 200
    assert [a.json() for a in answered] == [{"n": 7}, {"n": 7}]
    assert after.status_code == 200, "the count goes down again when requests finish"


async def test_a_response_that_streams_on_no_longer_counts_once_it_started() -> None:
    """A live stream (services/reporting/live/) stays open for hours: it counts only until
    its answer starts, so open streams never shed the ordinary requests."""
    release = asyncio.Event()
    app = FastAPI()

    @app.get("/api/v1/stream")
    async def stream() -> StreamingResponse:
        async def events() -> AsyncIterator[str]:
            yield "event: verbonden\n\n"
            await release.wait()

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.get("/api/v1/figure")
    async def figure() -> dict[str, int]:
        return {"n": 7}

    install_load_shedding(app, max_in_flight=1)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as http:
        opened = asyncio.create_task(http.get("/api/v1/stream"))
        await asyncio.sleep(0.05)  # the stream has started and waits
        ordinary = await http.get("/api/v1/figure")
        release.set()
        await opened
    assert ordinary.status_code == 200, "the open stream does not hold the only place"
