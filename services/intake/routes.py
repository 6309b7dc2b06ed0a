"""The CloudEvents-over-HTTP edge: parse, validate at the edge, publish, answer."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from services.intake.dedup import Seen
from services.intake.openapi import EVENT_REQUEST_BODY
from services.intake.problems import problem
from services.intake.wiring import Edge
from shared.events import CloudEvent, EventValidationError, accept_at_edge

log = logging.getLogger("wijkpuls.intake")
router = APIRouter(prefix="/api/v1", tags=["events"])

SINGLE = "application/cloudevents+json"
BATCH = "application/cloudevents-batch+json"


@router.post(
    "/events",
    status_code=202,
    summary="Publish one CloudEvent or a batch",
    openapi_extra=EVENT_REQUEST_BODY,
    responses={
        202: {
            "description": "accepted: the broker acknowledged every event (or it was a duplicate)"
        },
        400: {"description": "body is not JSON"},
        409: {"description": "same source + id as an earlier event, but other content"},
        413: {"description": "batch larger than the configured maximum"},
        415: {"description": "unsupported content type"},
        422: {"description": "invalid event(s): every field and reason is listed"},
        503: {"description": "the broker did not acknowledge in time; nothing was confirmed"},
    },
)
async def post_events(request: Request) -> Response:
    edge: Edge = request.app.state.edge
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in (SINGLE, BATCH, "application/json"):
        return problem(
            415,
            "unsupported-media-type",
            "Unsupported content type",
            f"send {SINGLE} for one event or {BATCH} for a batch",
        )
    try:
        body = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError):
        return problem(400, "malformed-json", "Body is not JSON", "the body could not be parsed")
    if media_type == BATCH:
        if not isinstance(body, list):
            return problem(
                422,
                "invalid-batch",
                "Batch must be a JSON array",
                "a batch is a JSON array of CloudEvents",
                [{"field": "(body)", "reason": "expected an array"}],
            )
        if len(body) > edge.max_batch_size:
            return problem(
                413,
                "batch-too-large",
                "Batch too large",
                f"at most {edge.max_batch_size} events per batch",
            )
        return await _accept(edge, body, batch=True)
    return await _accept(edge, [body], batch=False)


async def _accept(edge: Edge, raws: list[Any], *, batch: bool) -> Response:
    events: list[CloudEvent] = []
    errors: list[dict[str, Any]] = []
    for index, raw in enumerate(raws):
        try:
            events.append(accept_at_edge(raw, edge.domain, edge.pseudonymiser))
        except EventValidationError as exc:
            prefix = f"[{index}]." if batch else ""
            errors.extend({**p, "field": prefix + p["field"]} for p in exc.problems)
    if errors:
        # A batch is validated as a whole: nothing is published unless all of it is valid,
        # so a sender can fix and resend the same batch without tracking partial success.
        return problem(
            422,
            "invalid-event",
            "Invalid CloudEvent",
            f"{len(errors)} problem(s); nothing was published",
            errors,
        )

    statuses = await edge.dedup.classify(events)
    if Seen.CONFLICT in statuses:
        conflicts = [
            {
                "field": f"[{i}].id" if batch else "id",
                "reason": "this source sent an event with this id and other content",
            }
            for i, s in enumerate(statuses)
            if s is Seen.CONFLICT
        ]
        return problem(
            409,
            "conflicting-duplicate",
            "Conflicting duplicate",
            "an id may be reused only for the identical event",
            conflicts,
        )

    new = [e for e, s in zip(events, statuses, strict=True) if s is Seen.NEW]
    try:
        await edge.publisher.publish(new)
    except (KafkaError, TimeoutError):
        log.exception("publish failed", extra={"events": len(new)})
        return problem(
            503,
            "broker-unavailable",
            "Broker unavailable",
            "the events were not acknowledged; retry with the same ids",
        )
    for event in new:
        await edge.dedup.mark(event.source, event.id, event.to_json())
    log.info("events accepted", extra={"accepted": len(new), "duplicate": len(events) - len(new)})

    results = [
        {
            "id": e.id,
            "source": e.source,
            "type": e.type,
            "status": s.value if s is Seen.DUPLICATE else "accepted",
        }
        for e, s in zip(events, statuses, strict=True)
    ]
    if not batch:
        return JSONResponse(results[0], status_code=202)
    return JSONResponse(
        {"accepted": len(new), "duplicate": len(events) - len(new), "results": results},
        status_code=202,
    )
