"""JSON Schema (draft 2020-12) of every event type, generated from the validating models.

Schemas are self-contained (``$ref``s inlined): a case-system developer reads one file per
type, and tools that embed them (AsyncAPI) need not resolve references across documents.
"""

from __future__ import annotations

from typing import Any, Literal

from shared.contract.events.catalog import CATALOG, CATALOG_VERSION, INTAKE_TYPES
from shared.contract.events.examples import example_event
from shared.contract.events.models import EVENT_CLASSES, INTAKE_EVENT_CLASSES

DIALECT = "https://json-schema.org/draft/2020-12/schema"
Form = Literal["stored", "intake"]


def json_schemas(form: Form = "stored") -> dict[str, dict[str, Any]]:
    """Full type name -> JSON Schema of the whole event (envelope with the type's data).

    ``stored`` is what Kafka holds and consumers read; ``intake`` is what a case system
    posts to the HTTP edge: the intake types only, of which ``zaak.aangemeld`` differs
    (postcode and client block).
    """
    classes = EVENT_CLASSES if form == "stored" else INTAKE_EVENT_CLASSES
    result = {}
    for spec in CATALOG:
        if form == "intake" and spec.type not in INTAKE_TYPES:
            continue
        generated = classes[spec.type].model_json_schema(mode="validation")
        body = inline_refs(generated, generated.pop("$defs", {}))
        result[spec.type] = {
            "$schema": DIALECT,
            "title": spec.type,
            "description": f"{spec.meaning} Catalog version {CATALOG_VERSION} ({form} form).",
            **{k: v for k, v in body.items() if k not in ("title", "description")},
            "examples": [example_event(spec.type, form=form)],
        }
    return result


def inline_refs(schema: Any, defs: dict[str, Any]) -> Any:
    """Replace every ``{"$ref": "#/$defs/X", ...}`` by X merged with its siblings."""
    if isinstance(schema, list):
        return [inline_refs(item, defs) for item in schema]
    if not isinstance(schema, dict):
        return schema
    resolved = {key: inline_refs(value, defs) for key, value in schema.items()}
    ref = resolved.pop("$ref", None)
    if ref is None:
        return resolved
    target = inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
    return {**target, **resolved}
