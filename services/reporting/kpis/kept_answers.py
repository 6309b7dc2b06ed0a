"""Repeated KPI reads answered before routing: the bytes a full read sent, checked with one
Redis round trip.

``GET /api/v1/kpi/{kpi}`` of a counted KPI by a caller without a person (publiek, or an API
key) is first answered the full way (routes.py: validation, the role, disclosure control,
the answer cache). What it sent (status 200, headers, body) is kept here under everything
the request said that decides the answer: the role (``sees_small_numbers`` and the closed
periodes of publiek depend on it alone for a caller without a person, services/reporting/
scopes.py), the KPI, the query string as sent and whether ``Accept`` asks CSV; beside it
the KPI's content version the answer was made from (``request.state.kpi_version``) and the
day it was made on (the default peildatum, publiek's closed periodes). At most 2,048
answers and 64 MiB of them per process, the oldest going first.

The next identical request is served those bytes when one MGET says that nothing they depend
on moved: the KPI's content sum (the worker's sink keeps it with the counters, so a cell the
worker changed is never served from here: the sum moved), every view marker present (the
503 'figures rebuilding' of services/reporting/health.py), and today's date (in test and
development the date set in Redis). Concurrent requests share one MGET; with
``WIJKPULS_REPORTING_KEPT_ANSWERS_WINDOW_S`` above 0 its result is also reused for that
long, so a changed cell or a lost store may be seen that much later. Without a content sum
in Redis (cells written by something else than the sink) the walked version of the figures
store is used while it is younger than its ttl, as the full read does. Anything else, or
any doubt, goes the full way.

This skips FastAPI's routing, dependencies and the access log middleware (about half of a
cached answer's server CPU, docs/performance.md), not what they are for: the answer is one
the full way gave for the same request and content, and the access log line is written here
with the same fields (services/reporting/access.py). Callers with a session cookie or a
bearer token always go the full way (their person decides the answer and is logged).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from fastapi import FastAPI, Request
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.reporting.access import Caller
from services.reporting.access import _log as access_log_line
from services.reporting.wiring import Reporting
from shared.core.kpi.definition import CellSource
from shared.core.kpi.registry import SERVED
from shared.platform.api_rules import CSV

PREFIX = "/api/v1/kpi/"
ROUTE = SimpleNamespace(path="/api/v1/kpi/{kpi}")  # the template the access log names
COUNTED = (CellSource.ZAKEN, CellSource.VROEGSIGNAALZAKEN)
PERSONAL = (b"authorization", b"cookie")

RequestKey = tuple[str, str, bytes, bool]


@dataclass(frozen=True)
class Kept:
    version: str
    today: date
    headers: list[tuple[bytes, bytes]]
    body: bytes
    small_numbers_read: int | None


class KeptAnswers:
    """The answers kept last, at most ``size`` of them and ``max_bytes`` of bodies together;
    the oldest goes first."""

    def __init__(self, size: int = 2048, max_bytes: int = 64 * 2**20) -> None:
        self._size, self._max_bytes, self._bytes = size, max_bytes, 0
        self._entries: OrderedDict[RequestKey, Kept] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: RequestKey) -> Kept | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: RequestKey, kept: Kept) -> None:
        with self._lock:
            replaced = self._entries.pop(key, None)
            if replaced is not None:
                self._bytes -= len(replaced.body)
            self._entries[key] = kept
            self._bytes += len(kept.body)
            while self._entries and (
                len(self._entries) > self._size or self._bytes > self._max_bytes
            ):
                _, gone = self._entries.popitem(last=False)
                self._bytes -= len(gone.body)


Checked = tuple[str, date] | None


class Checks:
    """The MGET of ``_check`` for one KPI at a time: requests that arrive while it is under
    way share its result instead of each sending their own, and a result is reused for
    ``window_s`` after it was read (0: never; then every request's state was read after it
    arrived, or while it waited for a read begun just before it)."""

    def __init__(self, window_s: float) -> None:
        self._window_s = window_s
        self._read: dict[str, tuple[float, Checked]] = {}
        self._reading: dict[str, asyncio.Future[Checked]] = {}

    async def __call__(self, reporting: Reporting, kpi: str) -> Checked:
        known = self._read.get(kpi)
        if known is not None and time.monotonic() - known[0] < self._window_s:
            return known[1]
        under_way = self._reading.get(kpi)
        if under_way is not None:
            return await asyncio.shield(under_way)
        reading: asyncio.Future[Checked] = asyncio.get_running_loop().create_future()
        self._reading[kpi] = reading
        try:
            checked = await _check(reporting, kpi)
        except BaseException as exc:
            reading.set_exception(exc)
            reading.exception()  # retrieved: no "never retrieved" warning without sharers
            raise
        else:
            reading.set_result(checked)
            self._read[kpi] = (time.monotonic(), checked)
            return checked
        finally:
            del self._reading[kpi]


class KeptAnswerMiddleware:
    """Plain ASGI, between the API rules (API-Version header), load shedding and metrics
    outside and the access log middleware inside (services/reporting/app.py)."""

    def __init__(self, app: ASGIApp, window_s: float = 0.0, size: int = 2048) -> None:
        self.app = app
        self.kept = KeptAnswers(size)
        self.checks = Checks(window_s)
        self.served = 0
        """How many requests were served a kept answer (tests, a profile)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = _eligible(scope)
        if request is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        reporting, caller, key = request
        try:
            checked = await self.checks(reporting, key[1])
        except RedisError:  # the full way answers it (503 'figures store unavailable')
            checked = None
        if checked is not None:
            version, today = checked
            kept = self.kept.get(key)
            if kept is not None and kept.version == version and kept.today == today:
                self.served += 1
                await _serve(scope, send, kept, caller, started)
                return
        await self._full_way(scope, receive, send, reporting, key, checked)

    async def _full_way(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        reporting: Reporting,
        key: RequestKey,
        checked: Checked,
    ) -> None:
        status, headers, body, complete = 0, [], bytearray(), False

        async def sent(message: Message) -> None:
            nonlocal status, headers, complete
            if message["type"] == "http.response.start":
                status, headers = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                complete = not message.get("more_body", False)
            await send(message)

        await self.app(scope, receive, sent)
        state: dict[str, Any] = scope.get("state") or {}
        version = state.get("kpi_version")
        if status != 200 or not complete or not version or checked is None:
            return
        if any(name == b"set-cookie" for name, _ in headers):
            return
        try:
            today = await reporting.current_date()
        except RedisError:
            return
        if today != checked[1]:  # the day moved while it was answered: keep nothing
            return
        small = state.get("small_numbers_read")
        self.kept.put(key, Kept(str(version), today, headers, bytes(body), small))


def _eligible(scope: Scope) -> tuple[Reporting, Caller, RequestKey] | None:
    """(reporting, caller, request key) of a KPI read that may be kept; None otherwise."""
    if scope["type"] != "http" or scope["method"] != "GET":
        return None
    path: str = scope["path"]
    if not path.startswith(PREFIX):
        return None
    kpi = path[len(PREFIX) :]
    definition = SERVED.get(kpi)
    if definition is None or definition.source not in COUNTED:
        return None
    app: FastAPI | None = scope.get("app")
    reporting = getattr(getattr(app, "state", None), "reporting", None)
    if not isinstance(reporting, Reporting):
        return None
    api_key: bytes | None = None
    accept: bytes | None = None
    for name, value in scope["headers"]:
        if name in PERSONAL:
            return None
        if name == b"x-api-key" and api_key is None:  # the first, as Starlette reads them
            api_key = value
        elif name == b"accept" and accept is None:
            accept = value
    caller = reporting.api_keys.caller((api_key or b"").decode("latin-1") or None)
    if caller is None or caller.person is not None:  # an unknown key: the full way's 401
        return None
    # Accept only says CSV or not (api_rules.wants_csv): keyed as that, so varied Accept
    # headers cannot fill the kept answers with copies of one answer
    parts = (accept or b"").decode("latin-1").split(",")
    csv = any(part.split(";")[0].strip() == CSV for part in parts)
    return reporting, caller, (caller.role.value, kpi, scope["query_string"], csv)


async def _check(reporting: Reporting, kpi: str) -> Checked:
    """The KPI's content version and today, in one MGET with the view markers; None when
    the store is incomplete or no version is known without walking the cells."""
    store, views = reporting.store, reporting.views
    markers = views.marker_keys()
    keys = [store.sum_key(kpi), *markers]
    if reporting.today_key is not None:
        keys.append(reporting.today_key)
    values = await reporting.redis.mget(keys)
    if markers and views.missing_among(values[1 : 1 + len(markers)]):
        return None
    stored = values[0]
    version = store.version_of(kpi, stored)
    if version is None:
        return None
    raw = values[-1] if reporting.today_key is not None else None
    today = date.fromisoformat(str(raw)) if raw else reporting.wall()
    return version, today


async def _serve(scope: Scope, send: Send, kept: Kept, caller: Caller, started: float) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": kept.headers})
    await send({"type": "http.response.body", "body": kept.body})
    scope["route"] = ROUTE
    scope["path_params"] = {"kpi": scope["path"][len(PREFIX) :]}
    request = Request(scope)
    request.state.caller = caller
    if kept.small_numbers_read is not None:
        request.state.small_numbers_read = kept.small_numbers_read
    access_log_line(request, 200, time.perf_counter() - started)


def install(app: FastAPI, window_s: float) -> None:
    """Call right after the access log middleware is added, so this one sits outside it."""
    app.add_middleware(KeptAnswerMiddleware, window_s=window_s)
