"""Validation of a delivery against the public DDAS v0.9 JSON Schema.

The schema and its source: shared/contract/ddas/README.md.

The ``jsonschema`` library does the checking, formats included (dates, e-mail). A problem
is reported by its path and the rule it breaks, never by the value: the value may be a BSN
or a name from the Client block, and problems end up in logs and HTTP answers.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

SCHEMA_PATH = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "contract"
    / "ddas"
    / "v0.9"
    / "json_schema_Uitwisselmodel.json"
)


class InvalidDelivery(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"the delivery breaks the DDAS v0.9 schema: {problems[:10]}")
        self.problems = problems


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_problems(document: Any) -> list[str]:
    """``'<json path>: <rule>'`` per problem; empty when the document validates."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    return [
        f"/{'/'.join(str(p) for p in error.absolute_path)}: {error.validator}" for error in errors
    ]


def check_delivery(document: Any) -> None:
    problems = schema_problems(document)
    if problems:
        raise InvalidDelivery(problems)
