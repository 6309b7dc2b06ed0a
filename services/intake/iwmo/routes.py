"""POST /api/v1/iwmo/berichten: where care providers deliver 305/307 messages.

In order: the key (401) and the client's rate (429), the content type (415), the size (413,
before parsing), the XML itself (400), the message against the XSD and the documented
elements (422), the client's allow-list for the Afzender's AGB code and the type (403); then
every line is published or parked, and the answer says which.
"""

from __future__ import annotations

import logging

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from redis.exceptions import RedisError
from starlette.concurrency import run_in_threadpool

from services.intake.iwmo.adapter import IwmoAdapter
from services.intake.iwmo.errors import MessageRefused
from services.intake.limits import read_limited
from services.intake.ratelimit import RateLimitedClient
from shared.platform.problems import problem

log = logging.getLogger("wijkpuls.intake.iwmo")
router = APIRouter(prefix="/api/v1/iwmo", tags=["iwmo"])
XML_TYPES = ("application/xml", "text/xml")

_XML_BODY = {
    "requestBody": {
        "required": True,
        "content": {t: {"schema": {"type": "string"}} for t in XML_TYPES},
    }
}


@router.post(
    "/berichten",
    status_code=202,
    summary="Deliver one iWmo/iJw 3.2 305 (start) or 307 (stop) message",
    description="The lines become zorg.gestart / zorg.beeindigd for the zaak of their "
    "ToewijzingNummer; a line whose toewijzing is not known yet is parked and published "
    "once it is. The client's BSN and name are dropped here. See docs/adapters.md.",
    openapi_extra=_XML_BODY,
    responses={
        202: {"description": "every line published (verwerkt) or parked (geparkeerd)"},
        400: {"description": "not well-formed XML, or a DTD/entity (named, with position)"},
        401: {"description": "no API key, or an unknown one"},
        403: {"description": "Afzender (AGB) or message type outside the client's allow-list"},
        413: {"description": "body larger than the configured maximum"},
        415: {"description": "not application/xml or text/xml"},
        422: {"description": "not a valid 305/307: every element and reason is listed"},
        429: {"description": "the client's rate limit is used up; see Retry-After"},
        503: {"description": "Kafka or Redis did not answer; resend the same message"},
    },
)
async def post_bericht(request: Request, client: RateLimitedClient) -> Response:
    adapter: IwmoAdapter = request.app.state.iwmo
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in XML_TYPES:
        return problem(
            415,
            "unsupported-media-type",
            "Unsupported content type",
            "send the message as application/xml",
        )
    body = await read_limited(request, adapter.max_bytes)
    if body is None:
        return problem(
            413, "message-too-large", "Message too large", f"at most {adapter.max_bytes} bytes"
        )
    try:
        bericht = await run_in_threadpool(adapter.read, body)
    except MessageRefused as exc:
        log.info(
            "iwmo message refused",
            extra={"status": exc.status, "problems": [p["type"] for p in exc.problems]},
        )
        detail = f"{len(exc.problems)} problem(s); nothing was published"
        return problem(exc.status, exc.slug, exc.title, detail, [dict(p) for p in exc.problems])
    refused = adapter.refusals(client, bericht)
    if refused:
        return problem(
            403,
            "not-allowed",
            "Not allowed for this client",
            "nothing was published",
            [dict(p) for p in refused],
        )
    try:
        answer = await adapter.accept(bericht)
    except (KafkaError, RedisError, TimeoutError):
        log.exception("iwmo message not accepted", extra={"bericht": bericht.type.name})
        return problem(
            503,
            "unavailable",
            "Broker or store unavailable",
            "nothing was confirmed; resend the same message",
        )
    log.info(
        "iwmo message accepted",
        extra={
            "client": client.name,
            "bericht": bericht.type.name,
            "afzender": bericht.afzender,
            "gepubliceerd": answer["gepubliceerd"],
            "geparkeerd": answer["geparkeerd"],
        },
    )
    return JSONResponse(answer, status_code=202)
