"""Size limits checked before anything is parsed: a request body and a batch."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from shared.platform.problems import problem


async def read_limited(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it is known to be larger than ``limit`` bytes.

    A declared Content-Length above the limit is refused unread; the bytes are counted
    anyway, because a chunked body declares nothing and a declaration can be wrong.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def body_too_large(limit: int) -> JSONResponse:
    return problem(
        413,
        "request-too-large",
        "Request too large",
        f"at most {limit} bytes per request; send fewer events per batch",
        max_bytes=limit,
    )


def batch_too_large(limit: int, why: str) -> JSONResponse:
    return problem(
        413,
        "batch-too-large",
        "Batch too large",
        f"at most {limit} events per batch ({why}); split the batch",
        max_events=limit,
    )
