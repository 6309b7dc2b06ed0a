"""``GET /api/v1/live``: the monitor's live updates as Server-Sent Events.

Contract (for every page or client that wants figures and alerts pushed):

- **Request.** ``GET /api/v1/live`` with ``Accept: text/event-stream``, authorised like every
  route (``services/reporting/access.py``): a page's sign-in session cookie goes with an
  ``EventSource`` by itself (same origin); a caller with an API key or a bearer token uses a
  streaming ``fetch`` with the header (``EventSource`` sends no headers); without either the
  caller is ``publiek``. No query parameters (an unknown one is a 422 problem).
- **Answer.** ``200 text/event-stream``, UTF-8, one event per block (``event:`` and one
  ``data:`` line of JSON, a blank line). First ``retry: 5000`` (reconnect after 5 s), then:
  - ``verbonden``: ``{"rol", "hartslag_s", "kpis"}`` (the role read, the heartbeat interval,
    the KPIs watched). Sent on every (re)connect: there is no replay of missed events
    (``Last-Event-ID`` is ignored), so a client reads its figures again when it gets this.
  - ``cijfers``: ``{"kpi", "tijd"}``: the KPI worker changed cells of that KPI (``tijd``: when
    this process saw it, UTC). Roles that see small numbers (analist) also get ``"cellen":
    [{"wet", "wijk", "periode"}]``, the changed cells; the disclosure-controlled roles get
    the KPI only, because a changing cell whose count shows as ``"<5"`` would let them follow
    that count (docs/domain.md#small-numbers). The figures themselves are never pushed: the
    client reads them with ``GET /api/v1/kpi/{kpi}`` (cached per content version, cheap), so
    disclosure control stays in one place.
  - ``alert``: a new pushed alert (historisch false), the fields of a row of
    ``GET /api/v1/alerts`` (alert_id, type, zaak_id, wet, wijk, clock, due, datum,
    historisch); only to callers that may read single zaken, as ``GET /api/v1/alerts``
    (``alert_filter``: analist every alert, a teamleider those of its own wijken). A feed
    restored after a lost figures store may bring recent alerts again: deduplicate by
    ``alert_id``.
  - ``opnieuw``: the client fell behind and missed events: read everything again.
  - ``: hartslag`` comment lines every ``WIJKPULS_REPORTING_LIVE_HEARTBEAT_S`` seconds, so
    proxies keep the connection and a client can tell a silent stream from a dead one.
  Open over termijn is not pushed (computed per request, it moves with the day).
- **Limits.** At most ``WIJKPULS_REPORTING_LIVE_MAX_CONNECTIONS`` streams per server
  process; past it ``503`` problem+json with ``Retry-After``. One watcher per process reads
  Redis every ``WIJKPULS_REPORTING_LIVE_INTERVAL_S`` seconds while any stream is open and
  fans out to every stream (watcher.py, hub.py): a change reaches a client within about that
  interval. Streams are not counted by the load shedding of ordinary requests.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import StreamingResponse

from services.reporting.access import Caller, current_caller
from services.reporting.live.hub import Hub, LiveEvent, Subscription
from services.reporting.live.watcher import Watcher
from services.reporting.query import refuse_unknown_parameters
from services.reporting.scopes import zaak_scope
from services.reporting.settings import ReportingSettings
from services.reporting.wiring import Reporting
from shared.contract.alert_keys import AlertKeys
from shared.contract.figure_keys import FigureKeys
from shared.core.kpi.definition import CellSource
from shared.core.kpi.registry import SERVED
from shared.platform.problems import ProblemError, problem_response

AlertFilter = Callable[[dict[str, Any]], bool]

router = APIRouter(prefix="/api/v1", tags=["live"])
LIVE_PATH = "/api/v1/live"
RETRY_MS = 5000
EVENT_STREAM = "text/event-stream"
WATCHED = [k.name for k in SERVED.values() if k.source is not CellSource.TERMIJNEN]

EXAMPLE = (
    "retry: 5000\n\n"
    'event: verbonden\ndata: {"rol":"analist","hartslag_s":15,"kpis":["doorlooptijd"]}\n\n'
    'event: cijfers\ndata: {"kpi":"doorlooptijd","tijd":"2026-03-02T09:15:01+00:00",'
    '"cellen":[{"wet":"wmo","wijk":"Stiphout","periode":"2026-03"}]}\n\n'
    ": hartslag\n\n"
)


def install(app: FastAPI, settings: ReportingSettings, topic_prefix: str) -> None:
    """The route and this process's hub; the watcher reads ``app.state.reporting``."""

    async def watch(hub: Hub) -> None:
        reporting: Reporting = app.state.reporting
        watcher = Watcher(
            reporting.redis,
            reporting.store,
            FigureKeys(topic_prefix),
            AlertKeys(topic_prefix),
            WATCHED,
            reporting.current_date,
            settings.live_interval_s,
        )
        await watcher(hub)

    app.state.live = Hub(watch, settings.live_max_connections)
    app.state.live_heartbeat_s = settings.live_heartbeat_s
    app.include_router(router)


async def stop(app: FastAPI) -> None:
    hub: Hub | None = getattr(app.state, "live", None)
    if hub is not None:
        await hub.stop()


def frame(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def alert_filter(caller: Caller) -> AlertFilter | None:
    """Which alerts a caller's stream gets (they name a zaak), as ``GET /api/v1/alerts``
    (services/reporting/scopes.py): analist every one, a teamleider those of its own wijken;
    None (no alerts) for the roles that read counts only and a teamleider without wijken."""
    scope = zaak_scope(caller)
    if scope is None or scope.wijken == ():
        return None
    return lambda alert: scope.allows(alert.get("wijk"))


@router.get(
    "/live",
    summary="Live updates: changed figures and new alerts (Server-Sent Events)",
    description="A `text/event-stream` that stays open: `verbonden` on (re)connect, `cijfers` "
    "when the KPI worker changed cells of a KPI (the changed cells for roles that see small "
    "numbers; the KPI only for publiek and beleid), `alert` for a new pushed alert (roles "
    "that may read single zaken), `opnieuw` when the client fell behind, and a `: hartslag` "
    "comment as heartbeat. No figures are pushed: read them with `GET /api/v1/kpi/{kpi}`. "
    "No replay after a reconnect: read again on `verbonden`. Authorised like every route; a "
    "browser page's session cookie goes with `EventSource`, an API key needs a streaming "
    "fetch. At most a configured number of streams per server process (503 with "
    "Retry-After past it).",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "the event stream (never ends by itself)",
            "content": {EVENT_STREAM: {"schema": {"type": "string"}, "example": EXAMPLE}},
        },
        401: problem_response("X-API-Key is not a known key, or the bearer token is invalid"),
        422: problem_response("a query parameter was given"),
        503: problem_response("this process has its maximum of open streams; retry later"),
    },
)
async def live(request: Request, caller: Annotated[Caller, Depends(current_caller)]) -> Any:
    refuse_unknown_parameters(request, ())
    hub: Hub = request.app.state.live
    subscription = hub.subscribe()
    if subscription is None:
        raise ProblemError(
            503,
            "live-full",
            "Too many live streams",
            f"this process serves at most {hub.max_connections} live streams; retry later",
            headers={"Retry-After": str(RETRY_MS // 1000)},
        )
    heartbeat_s: float = request.app.state.live_heartbeat_s
    return StreamingResponse(
        _stream(hub, subscription, caller, heartbeat_s),
        media_type=EVENT_STREAM,
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _stream(
    hub: Hub, subscription: Subscription, caller: Caller, heartbeat_s: float
) -> AsyncIterator[str]:
    small = caller.role.sees_small_numbers
    alerts = alert_filter(caller)
    try:
        yield f"retry: {RETRY_MS}\n\n"
        hello = {"rol": caller.role.value, "hartslag_s": heartbeat_s, "kpis": WATCHED}
        yield frame("verbonden", hello)
        while True:
            try:
                event = await asyncio.wait_for(subscription.queue.get(), heartbeat_s)
            except TimeoutError:
                yield ": hartslag\n\n"
                continue
            if _for(event, small=small, alerts=alerts):
                yield frame(event.name, event.data)
    finally:
        await hub.unsubscribe(subscription)


def _for(event: LiveEvent, *, small: bool, alerts: AlertFilter | None) -> bool:
    if event.name == "alert":
        return alerts is not None and alerts(event.data)
    if event.name == "cijfers":  # two versions of each: with cells or without
        return event.for_small_numbers == small
    return True
