"""NL API Design Rules for every HTTP service, and the paging and CSV of every list.

``install_api_rules(app)``: an ``API-Version`` header (the app's full semver, ``app.version``)
on every answer, errors and unhandled failures included; the problem ``instance`` (the request
path, never its query); the OpenAPI document also under the base path
(``/api/v1/openapi.json``).

Paging (docs/domain.md#reporting-api, docs/domain.md#reporting-api): keyset pagination on a total
order. Each
list gives a sort key per item whose last part is unique (zaak_id, alert_id, an id), the
cursor is the opaque base64url of the last served key, and the next page starts after it.
An insert or removal between pages moves no other item across the cursor, so an item present
before and after is served exactly once. CSV (``Accept: text/csv`` or ``?format=csv``) serves
the same rows as the JSON page, with the next page in the ``Link`` header.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from shared.platform.problems import ProblemError, problem, problem_instance

API_VERSION = "API-Version"
BASE_PATH = "/api/v1"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
CSV = "text/csv"

T = TypeVar("T")
KeyPart = str | int | float
SortKey = tuple[KeyPart, ...]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ApiRulesMiddleware:
    """Outermost of the app's middleware: the header reaches every answer it sends."""

    def __init__(self, app: ASGIApp, version: str) -> None:
        self.app, self.version = app, version.encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def with_version(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"api-version"]
                message["headers"] = [*headers, (b"api-version", self.version)]
            await send(message)

        token = problem_instance.set(str(scope.get("path", ""))[:512] or None)
        try:
            await self.app(scope, receive, with_version)
        except Exception:
            if not started:  # the server logs the exception; the caller gets a problem
                failed = problem(500, "internal-error", "Internal Server Error", "try again")
                await failed(scope, receive, with_version)
            raise
        finally:
            problem_instance.reset(token)


def install_api_rules(app: FastAPI) -> None:
    """Call after the app's other middleware: this one must be outermost."""
    app.add_middleware(ApiRulesMiddleware, version=app.version)

    async def openapi_document() -> JSONResponse:
        return JSONResponse(app.openapi())

    app.add_api_route(
        BASE_PATH + "/openapi.json", openapi_document, methods=["GET"], include_in_schema=False
    )


# --- paging ------------------------------------------------------------------------------

LimitQuery = Annotated[
    int,
    Query(
        ge=1,
        le=MAX_LIMIT,
        description=f"Items per page, 1 to {MAX_LIMIT}.",
    ),
]
CursorQuery = Annotated[
    str | None,
    Query(
        max_length=1024,
        description="Opaque: continue after the last item of the previous page. Take it from "
        "`_links.next.href` (JSON) or the `Link` header (CSV); do not build it yourself.",
    ),
]
FormatQuery = Annotated[
    Literal["json", "csv"] | None,
    Query(description="`csv` answers as text/csv (as `Accept: text/csv` does)."),
]
PAGING_PARAMETERS = ("limit", "cursor", "format")


class Link(BaseModel):
    href: str = Field(description="path and query of the linked page, relative to the host")


class Links(BaseModel):
    self_: Link = Field(alias="self", description="this page")
    next: Link | None = Field(None, description="the next page; absent on the last page")


class Paged(BaseModel):
    """The paging members of every list answer (docs/domain.md#reporting-api)."""

    total: int | None = Field(description="items in the list over all pages")
    links: Links = Field(alias="_links")


def encode_cursor(key: Sequence[KeyPart]) -> str:
    raw = json.dumps(list(key), separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, shape: Sequence[type]) -> SortKey | None:
    """The key a cursor continues after; a 422 problem naming ``cursor`` if it is not one of
    this list (malformed, or another list's: its parts do not match ``shape``)."""
    if cursor is None:
        return None
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        parts = None
    if not isinstance(parts, list) or len(parts) != len(shape):
        raise invalid_cursor()
    for part, kind in zip(parts, shape, strict=True):
        allowed = (int, float) if kind is float else (kind,)
        if (isinstance(part, bool) and kind is not bool) or not isinstance(part, allowed):
            raise invalid_cursor()
    return tuple(parts)


def refuse_unknown_parameters(request: Request, known: Iterable[str]) -> None:
    """A mistyped filter must not silently answer with everything: 422 naming each one."""
    names = sorted(set(known))
    unknown = sorted(set(request.query_params) - set(names))
    if unknown:
        reason = "unknown parameter; known: " + ", ".join(names)
        errors = [{"field": name, "reason": reason} for name in unknown]
        raise ProblemError(422, "invalid-request", "Invalid request", "see errors", errors)


def invalid_cursor() -> ProblemError:
    return ProblemError(
        422,
        "invalid-request",
        "Invalid request",
        "see errors",
        [{"field": "cursor", "reason": "not a cursor of this list; start again without one"}],
    )


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    next_key: SortKey | None


def page_of(
    items: Iterable[T],
    key: Callable[[T], SortKey],
    limit: int,
    after: SortKey | None = None,
    *,
    descending: bool = False,
) -> Page[T]:
    """The ``limit`` items that follow ``after`` in the total order of ``key`` (ascending, or
    descending); ``key`` must be unique per item (end it with an id)."""
    ordered = sorted(items, key=key, reverse=descending)
    if after is not None:
        ordered_after = [i for i in ordered if (key(i) < after if descending else key(i) > after)]
    else:
        ordered_after = ordered
    served = ordered_after[:limit]
    next_key = key(served[-1]) if served and len(ordered_after) > limit else None
    return Page(served, len(ordered), next_key)


def page_links(request: Request, next_key: SortKey | None) -> Links:
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    here = Link(href=_href(request.url.path, request.query_params.multi_items()))
    if next_key is None:
        return Links.model_validate({"self": here})
    following = _href(request.url.path, [*query, ("cursor", encode_cursor(next_key))])
    return Links.model_validate({"self": here, "next": Link(href=following)})


def paged(request: Request, total: int | None, next_key: SortKey | None) -> dict[str, Any]:
    """The paging members to construct a ``Paged`` answer with (``Model(**paged(...))``)."""
    return {"total": total, "_links": page_links(request, next_key)}


def _href(path: str, query: Sequence[tuple[str, str]]) -> str:
    return path + ("?" + urlencode(query) if query else "")


# --- the answer: JSON or CSV ------------------------------------------------------------


def wants_csv(request: Request) -> bool:
    given = request.query_params.get("format")
    if given is not None:
        return given == "csv"
    accept = request.headers.get("accept", "")
    return any(part.split(";")[0].strip() == CSV for part in accept.split(","))


@dataclass(frozen=True)
class CsvTable:
    columns: Sequence[str]
    rows: Iterable[Mapping[str, Any]]


def respond(request: Request, answer: Paged, table: Callable[[], CsvTable]) -> Response:
    """The answer as JSON, or as CSV of ``table`` (the same rows) when asked for."""
    body = answer.model_dump(mode="json", by_alias=True)
    links = body["_links"]
    if links.get("next") is None:
        links.pop("next", None)
    headers = {"Link": f'<{links["next"]["href"]}>; rel="next"'} if "next" in links else {}
    if not wants_csv(request):
        return JSONResponse(body, headers=headers)
    if answer.total is not None:
        headers["X-Total-Count"] = str(answer.total)
    return Response(to_csv(table()), media_type=CSV + "; charset=utf-8", headers=headers)


def to_csv(table: CsvTable) -> str:
    """RFC 4180: comma, CRLF, quotes where needed, a header row; UTF-8 by the response."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_cell(row.get(column)) for column in table.columns])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def list_responses(example_csv: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI 200 entry of a list: its JSON model plus the text/csv form."""
    return {
        200: {
            "description": "One page of the list. `total` counts all pages; `_links.next` "
            "(absent on the last page) continues it. With `Accept: text/csv` or `?format=csv`: "
            "the same rows as CSV (RFC 4180, UTF-8, a header row), the next page in the "
            '`Link` header (rel="next") and the total in `X-Total-Count`.',
            "headers": {
                "API-Version": {"schema": {"type": "string"}, "description": "API semver"},
                "Link": {"schema": {"type": "string"}, "description": "the next page, if any"},
            },
            "content": {CSV: {"schema": {"type": "string"}, "example": example_csv}},
        }
    }
