"""POST /api/v1/zgw/notificaties: the callback URL of an Open Notificaties abonnement.

Answers 204 as soon as the notification is checked (authorization, shape, URL under the
configured API); reading the zaak and publishing happen after, in the background. Kanalen
and resources that cannot move a catalog fact, and Open Notificaties' own test call when an
abonnement is registered, get 204 too.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from services.intake.zgw.auth import callback_allowed
from services.intake.zgw.models import Notificatie
from shared.platform.problems import problem

router = APIRouter(prefix="/api/v1/zgw", tags=["zgw"])
MAX_BODY_BYTES = 65_536  # a notification is well under 2 kB

_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": Notificatie.model_json_schema(by_alias=True)}},
    }
}


@router.post(
    "/notificaties",
    status_code=204,
    summary="Open Notificaties callback (kanalen zaken and besluiten)",
    openapi_extra=_BODY,
    responses={
        204: {"description": "received; the zaak is read and its new facts published after"},
        400: {"description": "body is not JSON"},
        401: {"description": "no Authorization header"},
        403: {"description": "Authorization is not the abonnement's auth"},
        413: {"description": "body larger than a notification can be"},
        422: {"description": "not a notification, or its URL is not under the configured API"},
        404: {"description": "the ZGW adapter is not configured on this intake"},
    },
)
async def notificatie(request: Request) -> Response:
    adapter = getattr(request.app.state, "zgw", None)
    if adapter is None:
        # 404, not 503: nothing here will answer later without a configuration change.
        return problem(
            404, "zgw-not-configured", "ZGW adapter off", "WIJKPULS_ZGW_ZAKEN_API_URL is not set"
        )
    sent = request.headers.get("authorization")
    if not callback_allowed(adapter.zaken.settings.callback_authorization, sent):
        status = 401 if sent is None else 403
        return problem(status, "not-authorized", "Not authorized", "send the abonnement's auth")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return problem(413, "body-too-large", "Body too large", f"at most {MAX_BODY_BYTES} bytes")
    try:
        raw = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return problem(400, "malformed-json", "Body is not JSON", "the body could not be parsed")
    except RecursionError:  # nested thousands deep: refused, not a 500
        return problem(400, "malformed-json", "Body is not JSON", "the body is nested too deeply")
    try:
        found = Notificatie.model_validate(raw)
    except ValidationError as exc:  # field and type only: a message may quote the value
        errors = [
            {"field": ".".join(map(str, e["loc"])), "reason": e["type"]} for e in exc.errors()
        ]
        return problem(422, "invalid-notification", "Invalid notificatie", "see errors", errors)
    if not adapter.notifications.wanted(found):
        return Response(status_code=204)
    if not adapter.notifications.trusted(found):
        field = "hoofdObject" if found.kanaal == "zaken" else "resourceUrl"
        reason = "is not under the configured API of this kanaal"
        return problem(
            422, "untrusted-url", "URL not allowed", reason, [{"field": field, "reason": reason}]
        )
    adapter.notifications.accept(found)
    return Response(status_code=204)
