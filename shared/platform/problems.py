"""RFC 9457 problem details for every HTTP service: the field and reason, never the value.

The one helper of every HTTP service (intake, signals, reporting), with the OpenAPI entries
that describe it. ``type`` is ``PROBLEM_BASE`` + a slug.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://wijkpuls.helmond.nl/problems/"

problem_instance: ContextVar[str | None] = ContextVar("problem_instance", default=None)
"""The request path, set per request by shared/platform/api_rules.py: a problem's
``instance``. The path only, never the query, which may hold a value a caller typed."""


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extensions)
    if "instance" not in body and (instance := problem_instance.get()) is not None:
        body["instance"] = instance
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


class ProblemError(HTTPException):
    """Raised from a route or dependency (authentication, a refused query); answered as a
    problem, with the fields and reasons in ``errors`` and any extension members."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        errors: list[dict[str, Any]] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(status, detail, dict(headers) if headers else None)
        self.slug, self.title, self.errors, self.extensions = slug, title, errors, extensions

    def response(self) -> JSONResponse:
        return problem(
            self.status_code,
            self.slug,
            self.title,
            str(self.detail),
            self.errors,
            headers=self.headers,
            **self.extensions,
        )


def install_problem_handlers(app: FastAPI) -> None:
    """Every HTTPException (a 401 from auth, a 404 of the catalog) as problem+json."""

    @app.exception_handler(StarletteHTTPException)
    async def as_problem(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc, ProblemError):
            return exc.response()
        phrase = HTTPStatus(exc.status_code).phrase
        slug = phrase.lower().replace(" ", "-")
        return problem(exc.status_code, slug, phrase, str(exc.detail), headers=exc.headers)


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {
            "type": "string",
            "format": "uri-reference",
            "description": "the request path (never its query)",
        },
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
