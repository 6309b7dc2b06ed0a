"""OpenAPI description of the raw CloudEvents body, taken from the published catalog schemas."""

from __future__ import annotations

from typing import Any

from shared.contract.events.jsonschemas import json_schemas

_ONE_EVENT = {"oneOf": list(json_schemas("intake").values())}

EVENT_REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/cloudevents+json": {"schema": _ONE_EVENT},
            "application/cloudevents-batch+json": {
                "schema": {"type": "array", "items": _ONE_EVENT}
            },
        },
    }
}
