"""The event catalog, published machine-readably from the models the edge validates with."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from shared.events.schema import asyncapi_document, json_schemas

router = APIRouter(prefix="/api/v1/catalog", tags=["catalog"])


@router.get("", summary="Event types this edge accepts")
async def list_types() -> dict[str, list[str]]:
    return {"types": sorted(json_schemas())}


@router.get("/schemas/{event_type}", summary="JSON Schema (2020-12) of one event type")
async def schema(event_type: str) -> dict[str, Any]:
    schemas = json_schemas()
    if event_type not in schemas:
        raise HTTPException(404, f"unknown event type; see {router.prefix}")
    return schemas[event_type]


@router.get("/asyncapi", summary="AsyncAPI document of the topics and messages")
async def asyncapi() -> dict[str, Any]:
    return asyncapi_document()
