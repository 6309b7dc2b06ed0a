"""The CloudEvents-over-HTTP edge: authenticate, limit, validate per event, publish, answer.

In order: the key (401), the content type (415), the body size (413, before parsing), JSON
(400), the batch size (413), the client's rate (429); then each event on its own: the
client's allow-list (403), the contract (422), an id reused with other content (409). The
events that pass are published together and acknowledged by the broker before the answer.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from typing import Any

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from redis.exceptions import RedisError

from services.intake.auth import AuthenticatedClient
from services.intake.credentials import Client
from services.intake.dedup import Identity, Seen
from services.intake.limits import batch_too_large, body_too_large, read_limited
from services.intake.openapi import EVENT_REQUEST_BODY
from services.intake.ratelimit import too_many_requests
from services.intake.results import CONFLICT_PROBLEM, ItemResult, Outcome, Refusal, answer
from services.intake.wiring import Edge
from shared.contract.events import (
    CloudEvent,
    EventValidationError,
    KafkaRecord,
    Problem,
    accept_at_edge,
    to_structured_record,
)
from shared.platform.broker_watch import BrokerDown
from shared.platform.problems import problem

log = logging.getLogger("wijkpuls.intake")
router = APIRouter(prefix="/api/v1", tags=["events"])

SINGLE = "application/cloudevents+json"
BATCH = "application/cloudevents-batch+json"


RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"description": "none rejected: each event accepted (acknowledged by the broker) "
          "or a duplicate"},
    207: {"description": "a batch of which some events were rejected: per-item results; "
          "the others were published"},
    400: {"description": "body is not JSON"},
    401: {"description": "no API key, or an unknown one"},
    403: {"description": "every event outside the client's allow-list (source or type)"},
    409: {"description": "every event reuses a source + id with other content"},
    413: {"description": "body or batch larger than the configured maximum"},
    415: {"description": "unsupported content type"},
    422: {"description": "every event rejected: each field and reason, per item"},
    429: {"description": "the client's rate limit is used up; see Retry-After"},
    503: {"description": "the broker or Redis did not answer; nothing was confirmed"},
}  # fmt: skip


class Unavailable(Exception):
    """Kafka or Redis did not answer; nothing was confirmed."""

    def __init__(self, message: str, retry_after_s: int = 5) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


@router.post(
    "/events",
    status_code=202,
    summary="Publish one CloudEvent or a batch",
    openapi_extra=EVENT_REQUEST_BODY,
    responses=RESPONSES,
)
async def post_events(request: Request, client: AuthenticatedClient) -> Response:
    edge: Edge = request.app.state.edge
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in (SINGLE, BATCH, "application/json"):
        return problem(
            415,
            "unsupported-media-type",
            "Unsupported content type",
            f"send {SINGLE} for one event or {BATCH} for a batch",
        )
    raw = await read_limited(request, edge.max_body_bytes)
    if raw is None:
        return body_too_large(edge.max_body_bytes)
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return problem(400, "malformed-json", "Body is not JSON", "the body could not be parsed")
    except RecursionError:  # arrays or objects nested thousands deep: refused, not a 500
        return problem(400, "malformed-json", "Body is not JSON", "the body is nested too deeply")
    batch = media_type == BATCH
    if batch and not isinstance(body, list):
        return problem(
            422,
            "invalid-batch",
            "Batch must be a JSON array",
            "a batch is a JSON array of CloudEvents",
            [{"field": "(body)", "reason": "expected an array", "type": "list_type"}],
        )
    items: list[Any] = body if batch else [body]
    if len(items) > edge.max_batch_size:
        return batch_too_large(edge.max_batch_size, "the intake's maximum")
    if len(items) > client.burst:
        return batch_too_large(client.burst, "this client's rate limit burst")
    try:
        wait = await edge.limiter.take(client, max(1, len(items)))
        if wait:
            raise too_many_requests(wait)
        results = await _accept(edge, client, items)
    except Unavailable as exc:
        request.app.state.intake_metrics.unavailable.labels("kafka").inc()
        return problem(
            503,
            "unavailable",
            str(exc),
            "nothing was confirmed; retry with the same ids",
            headers={"Retry-After": str(exc.retry_after_s)},
        )
    except RedisError:
        log.exception("redis unavailable", extra={"client": client.name})
        request.app.state.intake_metrics.unavailable.labels("redis").inc()
        return problem(503, "unavailable", "Store unavailable", "retry with the same ids")
    counts = Counter(r.outcome.value for r in results)
    for outcome, count in counts.items():
        request.app.state.intake_metrics.events.labels(client.name, outcome).inc(count)
    log.info("events received", extra={"client": client.name, **counts})
    reply = answer(results, batch=batch)
    return JSONResponse(reply.body, status_code=reply.status, media_type=reply.media_type)


async def _accept(edge: Edge, client: Client, items: list[Any]) -> list[ItemResult]:
    results: dict[int, ItemResult] = {}
    valid: list[tuple[int, CloudEvent]] = []
    allowed: dict[tuple[str, str], list[Problem]] = {}  # a batch repeats a few of each
    for index, item in enumerate(items):
        sent = item if isinstance(item, dict) else {}
        source, event_type = sent.get("source"), sent.get("type")
        if isinstance(source, str) and isinstance(event_type, str):
            refused = allowed.get((source, event_type))
            if refused is None:
                refused = allowed[source, event_type] = client.refusals(source, event_type)
        else:
            refused = client.refusals(source, event_type)
        if refused:
            results[index] = ItemResult.rejected(index, Refusal.NOT_ALLOWED, refused)
            continue
        try:
            valid.append((index, accept_at_edge(item, edge.domain, edge.pseudonymiser)))
        except EventValidationError as exc:
            results[index] = ItemResult.rejected(index, Refusal.INVALID, exc.problems)

    # Each event's canonical JSON is made once: the record value and the dedup fingerprint.
    records = [to_structured_record(event) for _, event in valid]
    identities = edge.dedup.identities(
        [event for _, event in valid], [record.value for record in records]
    )
    statuses = await edge.dedup.classify(identities)
    new_records: list[KafkaRecord] = []
    new_identities: list[Identity] = []
    for (index, event), record, identity, seen in zip(
        valid, records, identities, statuses, strict=True
    ):
        if seen is Seen.CONFLICT:
            results[index] = ItemResult.rejected(index, Refusal.CONFLICT, [CONFLICT_PROBLEM])
        elif seen is Seen.DUPLICATE:
            results[index] = ItemResult(index, Outcome.DUPLICATE, event)
        else:
            results[index] = ItemResult(index, Outcome.ACCEPTED, event)
            new_records.append(record)
            new_identities.append(identity)

    try:
        await edge.publisher.publish_records(new_records)
    except BrokerDown as down:  # known down: answered at once, nothing was sent
        raise Unavailable("Broker unavailable", down.retry_after_s) from None
    except (KafkaError, TimeoutError):
        extra = {"client": client.name, "events": len(new_records)}
        log.exception("publish failed", extra=extra)
        raise Unavailable("Broker unavailable") from None
    try:
        await edge.dedup.mark(new_identities)
    except RedisError:  # published all the same; a resend is published again, harmlessly
        log.warning("published events not marked as seen", extra={"events": len(new_records)})
    return [results[index] for index in range(len(items))]
