"""The event catalog, published machine-readably from the models the edge validates with."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query

from shared.contract.events.asyncapi import asyncapi_document
from shared.contract.events.catalog import CATALOG_VERSION
from shared.contract.events.jsonschemas import Form, json_schemas

router = APIRouter(prefix="/api/v1/catalog", tags=["catalog"])

FORM = Query(
    "intake",
    description="intake: what a case system posts here (postcode, client block); "
    "stored: what Kafka holds and consumers read",
)


@router.get("", summary="Event types, per form")
async def list_types() -> dict[str, Any]:
    return {
        "version": CATALOG_VERSION,
        "intake": sorted(json_schemas("intake")),
        "stored": sorted(json_schemas("stored")),
    }


@router.get("/schemas/{event_type}", summary="JSON Schema (2020-12) of one event type")
async def schema(event_type: str, form: Form = FORM) -> dict[str, Any]:
    schemas = json_schemas(form)
    if event_type not in schemas:
        raise HTTPException(404, f"no {form} schema for this type; see {router.prefix}")
    return schemas[event_type]


@router.get("/asyncapi", summary="AsyncAPI 3 document of the topics and their messages")
async def asyncapi() -> dict[str, Any]:
    return asyncapi_document()
