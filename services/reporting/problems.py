"""RFC 9457 problem details: every refusal names the field and the reason, never a value.

Services do not import each other, so this is the reporting API's own small copy of the
shape the intake edge uses (same ``type`` base, same ``errors`` member).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi.responses import JSONResponse

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://wijkpuls.helmond.nl/problems/"


class ProblemError(Exception):
    """Raised by a route or dependency; the app turns it into a problem+json response."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        errors: list[dict[str, str]],
        *,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status, self.slug, self.title, self.detail = status, slug, title, detail
        self.errors = errors
        self.headers = headers
        self.extensions = extensions

    def response(self) -> JSONResponse:
        return problem(
            self.status,
            self.slug,
            self.title,
            self.detail,
            self.errors,
            headers=self.headers,
            **self.extensions,
        )


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        **extensions,
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "reason"],
                "properties": {"field": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
    },
}


def problem_response(description: str, example: dict[str, Any] | None = None) -> dict[str, Any]:
    """An OpenAPI ``responses`` entry for a problem+json answer."""
    media: dict[str, Any] = {"schema": PROBLEM_SCHEMA}
    if example:
        media["example"] = example
    return {"description": description, "content": {PROBLEM_JSON: media}}
