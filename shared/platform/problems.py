"""RFC 9457 problem details for every HTTP service: the field and reason, never the value.

One helper for the intake and the signals service (the reporting API keeps its own variant
with OpenAPI response helpers). ``type`` is ``PROBLEM_BASE`` + a slug.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://wijkpuls.helmond.nl/problems/"


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
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


class ProblemError(HTTPException):
    """Raised from a dependency (authentication, rate limit); answered as a problem."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status, detail, dict(headers) if headers else None)
        self.slug, self.title = slug, title


def install_problem_handlers(app: FastAPI) -> None:
    """Every HTTPException (a 401 from auth, a 404 of the catalog) as problem+json."""

    @app.exception_handler(StarletteHTTPException)
    async def as_problem(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        phrase = HTTPStatus(exc.status_code).phrase
        slug = getattr(exc, "slug", phrase.lower().replace(" ", "-"))
        title = getattr(exc, "title", phrase)
        return problem(exc.status_code, slug, title, str(exc.detail), headers=exc.headers)
