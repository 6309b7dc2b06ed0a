"""RFC 9457 problem details for every HTTP service: the field and reason, never the value.

The one helper of every HTTP service (intake, signals, reporting), with the OpenAPI entries
that describe it. ``type`` is ``PROBLEM_BASE`` + a slug.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from http import HTTPStatus
from typing import Any, Literal

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.core.kpi.periods import PeriodeError

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


_LOCATIONS = ("query", "path", "header", "cookie", "body")


def field_error(error: Mapping[str, Any], *, reasons: Literal["message", "type"]) -> dict[str, str]:
    """One pydantic error as ``{"field", "reason"}``: the parameter's name without where it
    was sent; the reason as pydantic's message, or only its type where a message could quote
    a value that must not be echoed (a BSN)."""
    loc = [str(part) for part in error["loc"]]
    if loc and loc[0] in _LOCATIONS:
        loc = loc[1:]
    reason = str(error["msg"]).removeprefix("Value error, ") if reasons == "message" else str(
        error["type"])  # fmt: skip
    return {"field": ".".join(loc) or "(request)", "reason": reason}


def install_request_validation(
    app: FastAPI, *, reasons: Literal["message", "type"] = "message"
) -> None:
    """An invalid query, path or body: 422 problem+json naming each field and its reason."""

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [field_error(e, reasons=reasons) for e in exc.errors()]
        return problem(422, "invalid-request", "Invalid request", "see errors", errors)

    @app.exception_handler(PeriodeError)
    async def invalid_periode(_: Request, exc: PeriodeError) -> JSONResponse:
        # A periode the route's pattern let through but no calendar has (0000-H1, or the
        # periode before 0001-01 a comparison asks for): the caller's value, not our fault.
        errors = [{"field": "periode", "reason": str(exc)}]
        return problem(422, "invalid-request", "Invalid request", "see errors", errors)


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
