"""Upload a delivery (multipart) and read its report: JSON, or the problems as CSV."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse

from services.signals.api.auth import Caller, require
from services.signals.api.unavailable import database_away, upload_refused
from services.signals.pipeline import sources
from services.signals.pipeline.delivery import load_delivery, start_delivery
from services.signals.rules import report
from services.signals.settings import SignalsRole
from shared.core.ddas import Signaalpartner
from shared.platform.problems import ProblemError

router = APIRouter(prefix="/api/v1/deliveries", tags=["deliveries"])
Uploader = Annotated[
    Caller, Depends(require(SignalsRole.SIGNAALPARTNER, SignalsRole.VROEGSIGNALERING))
]


@router.post("", status_code=201, summary="Upload a delivery (DDAS v0.9 JSON or CSV)")
async def upload(
    request: Request,
    client: Uploader,
    file: Annotated[UploadFile, File(description="the delivery file (.json or .csv)")],
) -> JSONResponse:
    """Loads every good row; answers the delivery report (accepted, rejected, duplicates)."""
    body = await load_upload(request, client, file)
    return JSONResponse(body, status_code=201 if body and body["status"] == "loaded" else 422)


async def load_upload(request: Request, client: Caller, file: UploadFile) -> dict[str, Any]:
    """Loads an uploaded delivery and returns its report (the API and the upload page)."""
    edge = request.app.state.edge
    if file.size is not None and file.size > request.app.state.max_upload_bytes:
        raise ProblemError(413, "too-large", "Delivery too large", "the file exceeds the limit")
    fmt = sources.guess_format(file.filename, file.content_type)
    core = edge.core
    delivery_id = start_delivery(core, client.name, fmt)
    if fmt is sources.DeliveryFormat.JSON:
        rows, labels = sources.read_ddas_json(file.file), sources.DDAS_LABELS
    else:
        mapping = core.domain.signals.csv
        rows, labels = sources.read_csv(file.file, mapping), dict(mapping.columns)
    allowed = {Signaalpartner(p) for p in client.signaalpartners}
    today: date = await request.app.state.today()
    try:
        await load_delivery(
            core, edge.publisher, delivery_id, rows, today, allowed=allowed, labels=labels
        )
    except Exception as exc:
        if database_away(exc):
            upload_refused(request.app, core, delivery_id, exc)  # raises the 503
        raise
    finally:
        # A load cut off mid-file leaves the reader suspended; end it while the upload's
        # file is still open (its cleanup detaches from the file).
        close = getattr(rows, "close", None)
        if close is not None:
            close()
    body = report.delivery_report(core, delivery_id)
    assert body is not None  # made above
    return body


def _owned(request: Request, client: Caller, delivery_id: str) -> None:
    owner = report.delivery_client(request.app.state.edge.core, delivery_id)
    visible = owner is not None and (
        owner == client.name or client.role is SignalsRole.VROEGSIGNALERING
    )
    if not visible:
        raise ProblemError(404, "not-found", "Not found", "no delivery with this id for you")


@router.get("/{delivery_id}", summary="The report of a delivery")
async def get_report(request: Request, client: Uploader, delivery_id: str) -> JSONResponse:
    _owned(request, client, delivery_id)
    return JSONResponse(report.delivery_report(request.app.state.edge.core, delivery_id))


@router.get("/{delivery_id}/problems.csv", summary="Every rejected or duplicate row, as CSV")
async def get_problems(request: Request, client: Uploader, delivery_id: str) -> StreamingResponse:
    _owned(request, client, delivery_id)
    lines = report.problems_csv(request.app.state.edge.core, delivery_id)
    filename = f"delivery-{delivery_id}-problems.csv"
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
