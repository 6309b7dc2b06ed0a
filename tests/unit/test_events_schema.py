"""The published catalog stays in step with the models, and the models' examples fit it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from shared.contract.events import CATALOG, INTAKE_TYPES
from shared.contract.events.examples import example_event
from shared.contract.events.schema import asyncapi_document, json_schemas, main, render_catalog
from shared.contract.topics import Topic

CATALOG_DIR = Path(__file__).resolve().parents[2] / "docs" / "catalog"
STORED = json_schemas("stored")
INTAKE = json_schemas("intake")


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_the_committed_catalog_is_what_the_code_generates() -> None:
    committed = {
        str(p.relative_to(CATALOG_DIR)): p.read_text("utf-8")
        for p in CATALOG_DIR.rglob("*")
        if p.is_file()
    }
    assert committed == render_catalog(), (
        "run: python -m shared.contract.events.schema --out docs/catalog/"
    )


def test_the_cli_check_agrees(tmp_path: Path) -> None:
    assert main(["--out", str(tmp_path), "--check"]) == 1
    assert main(["--out", str(tmp_path)]) == 0
    assert main(["--out", str(tmp_path), "--check"]) == 0


@pytest.mark.parametrize("spec", CATALOG, ids=lambda s: s.name)
def test_every_example_fits_its_json_schema(spec: Any) -> None:
    validator(STORED[spec.type]).validate(example_event(spec.type))
    if spec.type in INTAKE_TYPES:
        validator(INTAKE[spec.type]).validate(example_event(spec.type, form="intake"))


@pytest.mark.parametrize(
    "overrides",
    [{"opmerking": "x"}, {"datum": "2026-13-01"}, {"wet": "awb"}, {"id": "12"}, {"zaak_id": ""}],
)
def test_the_schema_refuses_what_the_models_refuse(overrides: dict[str, Any]) -> None:
    schema = validator(STORED["nl.helmond.sociaaldomein.zaak.aangemeld"])
    assert not schema.is_valid(example_event("zaak.aangemeld", **overrides))


def test_the_intake_schema_needs_a_wijk_source() -> None:
    schema = validator(INTAKE["nl.helmond.sociaaldomein.zaak.aangemeld"])
    assert not schema.is_valid(
        example_event("zaak.aangemeld", form="intake", postcode=None, client=None)
    )
    bare = example_event("zaak.aangemeld", form="intake")
    del bare["data"]["postcode"], bare["data"]["client"]
    assert not schema.is_valid(bare)


def test_the_asyncapi_document_has_a_channel_per_topic_and_a_message_per_type() -> None:
    document = asyncapi_document()
    assert document["asyncapi"] == "3.0.0"
    assert {c["address"] for c in document["channels"].values()} == {
        Topic.EVENTS.value,
        Topic.VROEGSIGNALEN.value,
        Topic.ALERTS.value,
    }
    messages = document["components"]["messages"]
    assert {m["name"] for m in messages.values()} == {spec.type for spec in CATALOG}
    for channel in document["channels"].values():
        for ref in channel["messages"].values():
            assert ref["$ref"].removeprefix("#/components/messages/") in messages
    for operation in document["operations"].values():
        channel_id = operation["channel"]["$ref"].removeprefix("#/channels/")
        for ref in operation["messages"]:
            name = ref["$ref"].removeprefix(f"#/channels/{channel_id}/messages/")
            assert name in document["channels"][channel_id]["messages"]
    for message in messages.values():
        validator(message["payload"]["schema"]).validate(message["examples"][0]["payload"])
