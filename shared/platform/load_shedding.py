"""Sheds load with 503 + Retry-After before a process is swamped, never with wrong figures.

Past ``max_in_flight`` requests at once in one process, a new request is answered at once
with a problem+json 503 and ``Retry-After`` instead of queueing until every request is slow
(the reporting API at 500 requests/s: p99 9.2 s and 26% failures from an exhausted Redis
pool). The probes and /metrics are never shed, so an overloaded process is seen as such and
not restarted for it.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.platform.problems import problem

NEVER_SHED = frozenset({"/health", "/ready", "/metrics"})


class LoadShedding:
    """Plain ASGI (no BaseHTTPMiddleware: that costs a task and two memory streams per request,
    a large share of a cached answer's CPU). A request counts as in flight until its answer
    starts; a response that then streams for long (the live events, services/reporting/live/)
    no longer counts."""

    def __init__(self, app: ASGIApp, max_in_flight: int, retry_after_s: int = 1) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.retry_after_s = retry_after_s
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in NEVER_SHED:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_in_flight:
            refused = problem(
                503, "overloaded", "Too many requests at once",
                f"this process answers at most {self.max_in_flight} requests at a time; retry",
                headers={"Retry-After": str(self.retry_after_s)},
            )  # fmt: skip
            await refused(scope, receive, send)
            return
        self.in_flight += 1
        counted = True

        async def started(message: Message) -> None:
            nonlocal counted
            if counted and message["type"] == "http.response.start":
                counted = False
                self.in_flight -= 1
            await send(message)

        try:
            await self.app(scope, receive, started)
        finally:
            if counted:
                self.in_flight -= 1


def install_load_shedding(app: FastAPI, max_in_flight: int, retry_after_s: int = 1) -> None:
    app.add_middleware(LoadShedding, max_in_flight=max_in_flight, retry_after_s=retry_after_s)
